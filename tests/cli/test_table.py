"""The table: laid out for the terminal's width (80 columns stay readable), printed batch by
batch with the columns lined up."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from rich.console import Console

from confclient import Conference, ConferenceStatus
from confclient.cli import main
from confclient.cli._table import TableWriter, plan_table
from confclient.testing import ThreadedSandbox

UseEnv = Callable[[dict[str, str]], None]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TELNYX_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def conference(name: str, *, region: str = "Middle East", provider: str = "telnyx") -> Conference:
    return Conference(
        provider=provider,
        id=TELNYX_ID if provider == "telnyx" else "CF" + "a" * 32,
        name=name,
        status=ConferenceStatus.IN_PROGRESS,
        created_at=datetime(2026, 10, 17, 14, 23, 52, tzinfo=UTC),
        expires_at=datetime(2026, 10, 17, 18, 23, 52, tzinfo=UTC),
        data_region=region,
    )


def render(
    width: int | None, items: list[Conference], *, providers: tuple[str, ...] = ("telnyx",)
) -> list[str]:
    stream = io.StringIO()
    console = Console(file=stream, width=width or 80, highlight=False)
    writer = TableWriter(
        console,
        providers=providers,
        regions=("Australia", "Europe", "Middle East", "US"),
        width=width,
    )
    writer.write(items[:1])
    writer.write(items[1:])  # a second batch: same columns, no second header
    writer.close()
    return stream.getvalue().splitlines()


@pytest.mark.parametrize("width", [80, 100, 140, None])
def test_layouts_fit_their_width(width: int | None) -> None:
    layout = plan_table(width, show_provider=False, region_width=11, id_width=36, status_width=11)
    if width is not None:
        assert layout.width <= width
    assert layout.stacked == (width == 80)
    headers = [c.header for c in layout.columns]
    assert ("ended/expires" in headers) == (width in (140, None))
    assert "id" in headers
    assert "created" in headers


def test_80_columns_stacks_the_name_under_the_id() -> None:
    lines = render(80, [conference("All hands meeting 47"), conference("Weekly sync " * 8)])
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].split() == ["id", "/", "name", "region", "status", "created"]
    assert lines[1].startswith("-" * 36 + "  ")
    assert lines[2].split() == [TELNYX_ID, "Middle", "East", "in_progress", "2026-10-17", "14:23"]
    assert lines[3] == "  All hands meeting 47"
    assert lines[4].startswith(TELNYX_ID)  # the second batch lines up with the first
    assert lines[5].startswith("  Weekly sync Weekly sync")
    assert len(lines) == 6


def test_100_columns_one_line_per_conference_names_shortened() -> None:
    lines = render(100, [conference("Short"), conference("A conference name far too long to fit")])
    assert all(len(line) <= 100 for line in lines)
    assert lines[0].split() == ["region", "id", "name", "status", "created"]
    assert len(lines) == 4
    assert "Short" in lines[2]
    assert "…" in lines[3]
    assert lines[2].index(TELNYX_ID) == lines[3].index(TELNYX_ID)
    assert lines[2].index("in_progress") == lines[3].index("in_progress")


def test_not_a_terminal_prints_every_column() -> None:
    lines = render(None, [conference("All hands meeting 47")])
    assert lines[0].split() == ["region", "id", "name", "status", "created", "ended/expires"]
    assert "2026-10-17 14:23:52  2026-10-17 18:23:52" in lines[2]


def test_two_providers_show_the_provider() -> None:
    items = [conference("A"), conference("B", provider="twilio", region="us1")]
    wide = render(None, items, providers=("telnyx", "twilio"))
    assert wide[0].split()[0] == "provider"
    assert wide[3].startswith("twilio    us1 ")
    narrow = render(80, items, providers=("telnyx", "twilio"))
    assert narrow[5] == "  twilio  B"


@pytest.mark.confclient_sandbox(size=5, seed=8)
def test_list_in_an_80_column_terminal(
    use_env: UseEnv, confclient_sandbox: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    use_env({**confclient_sandbox.env("telnyx"), "COLUMNS": "80", "LINES": "30"})
    stdout = Terminal()
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert main(["list", "--region", "all"]) == 0
    lines = [ANSI.sub("", line) for line in stdout.getvalue().splitlines()]
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert lines[0].split()[:3] == ["id", "/", "name"]
    ids = [line.split()[0] for line in lines[2::2]]
    names = [line.strip() for line in lines[3::2]]
    assert len(ids) == len(names) == 20
    europe = confclient_sandbox.telnyx_records("Europe")
    assert europe[0]["id"] in ids
    assert names[ids.index(europe[0]["id"])] == europe[0]["name"]
    assert "\x1b[" in stdout.getvalue()  # a terminal gets colours


def test_a_status_longer_than_its_column_is_cut_not_wrapped() -> None:
    first = conference("A")
    late = Conference(
        provider="telnyx",
        id=TELNYX_ID,
        name="B",
        status=ConferenceStatus.SUMMARY_TIMEOUT,
        data_region="US",
    )
    lines = render(100, [first, late])
    assert all(len(line) <= 100 for line in lines)
    assert "summary_ti…" in lines[3]
    # Where it fits, the column holds every status from the start.
    twilio = [conference("A", provider="twilio", region="us1"), late]
    wide_enough = render(100, twilio, providers=("twilio",))
    assert "summary_timeout" in wide_enough[3]

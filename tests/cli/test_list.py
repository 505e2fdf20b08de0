"""``confclient list`` end to end against the sandbox: every format, filters, limits,
regions, streaming (rows printed before the listing ends) and the progress line."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from confclient.cli import main
from confclient.cli._writers import FIELDS
from confclient.testing import ThreadedSandbox
from tests.cli.conftest import Run

TELNYX_REGIONS = ("Australia", "Europe", "Middle East", "US")
UseEnv = Callable[[dict[str, str]], None]


def table_rows(out: str) -> list[str]:
    """The data lines of a table (after the header and its rule)."""
    lines = out.splitlines()
    assert lines[1].startswith("---"), out
    return lines[2:]


def ndjson(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.confclient_sandbox(size=12, seed=1)
def test_table_lists_one_region(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    result = run("list", "--region", "Europe")
    assert result.code == 0, result.err
    header = result.out.splitlines()[0].split()
    assert header[:3] == ["region", "id", "name"]
    assert "status" in header
    rows = table_rows(result.out)
    expected = [r["id"] for r in confclient_sandbox.telnyx_records("Europe")]
    assert [row.split()[1] for row in rows] == expected
    assert all(row.startswith("Europe ") for row in rows)
    assert result.err == ""  # stderr is not a terminal: no progress line


@pytest.mark.confclient_sandbox(size=6, seed=2)
def test_region_all_lists_every_region_concurrently(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    result = run("list", "--region", "all", "--format", "ndjson")
    assert result.code == 0, result.err
    records = ndjson(result.out)
    assert len(records) == 4 * 6
    assert {r["data_region"] for r in records} == set(TELNYX_REGIONS)
    expected = {
        r["id"] for region in TELNYX_REGIONS for r in confclient_sandbox.telnyx_records(region)
    }
    assert {r["id"] for r in records} == expected
    stats = confclient_sandbox.stats
    assert stats.requests["GET", "/v2/conferences"] == 4
    assert stats.max_in_flight >= 1


@pytest.mark.confclient_sandbox(size=5, seed=3)
def test_several_regions_and_json(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("twilio"))
    result = run("list", "-r", "us1", "-r", "ie1", "-r", "us1", "--format", "json")
    assert result.code == 0, result.err
    records = json.loads(result.out)
    assert isinstance(records, list)
    assert len(records) == 10  # us1 given twice is listed once
    assert {r["data_region"] for r in records} == {"us1", "ie1"}
    assert list(records[0]) == list(FIELDS)
    first = records[0]
    assert first["provider"] == "twilio"
    assert first["id"].startswith("CF")
    assert first["created_at"].endswith("Z")
    assert "raw" not in first


@pytest.mark.confclient_sandbox(size=5, seed=3)
def test_a_region_named_twice_in_any_case_is_listed_once(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("twilio"))
    result = run("list", "-r", "us1", "-r", "IE1", "-r", "US1", "--format", "ndjson")
    assert result.code == 0, result.err
    records = ndjson(result.out)
    assert len(records) == 10
    assert {r["data_region"] for r in records} == {"us1", "ie1"}


@pytest.mark.confclient_sandbox(size=7, seed=4)
def test_csv(run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox) -> None:
    use_env(confclient_sandbox.env("twilio"))
    result = run("list", "-r", "de1", "--format", "csv")
    assert result.code == 0, result.err
    reader = csv.DictReader(io.StringIO(result.out))
    assert tuple(reader.fieldnames or ()) == FIELDS
    rows = list(reader)
    expected = confclient_sandbox.twilio_records("de1")
    assert [row["id"] for row in rows] == [r["conference_sid"] for r in expected]
    assert [row["max_participants"] for row in rows] == [
        str(r["max_participants"]) for r in expected
    ]


@pytest.mark.confclient_sandbox(size=3)
def test_raw_adds_the_providers_record(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    result = run("list", "-r", "US", "--format", "ndjson", "--raw")
    assert result.code == 0, result.err
    records = ndjson(result.out)
    assert [r["raw"] for r in records] == confclient_sandbox.telnyx_records("US")


@pytest.mark.confclient_sandbox(size=20, seed=5)
def test_limit_counts_across_regions(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    result = run("list", "--region", "all", "--limit", "7", "--format", "ndjson")
    assert result.code == 0, result.err
    assert len(ndjson(result.out)) == 7
    # Each region's own listing was capped too: no page larger than the limit was asked for.
    assert all("page%5Bsize%5D=7" in target for _, target in confclient_sandbox.stats.queries)


@pytest.mark.confclient_sandbox(size=40, seed=6)
def test_status_and_name_filters(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    records = confclient_sandbox.telnyx_records("Europe")
    in_progress = [r["id"] for r in records if r["status"] == "in_progress"]
    assert in_progress  # the seed gives some
    result = run("list", "-r", "Europe", "--status", "in_progress", "-f", "ndjson")
    assert result.code == 0, result.err
    assert [r["id"] for r in ndjson(result.out)] == in_progress

    name = records[0]["name"]
    result = run("list", "-r", "Europe", "--name", name, "-f", "ndjson")
    assert result.code == 0, result.err
    found = ndjson(result.out)
    assert found
    assert {r["name"] for r in found} == {name}


@pytest.mark.confclient_sandbox(size=30, seed=7)
def test_created_after_and_before(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("twilio"))
    records = confclient_sandbox.twilio_records("au1")
    times = sorted(r["create_time"] for r in records)
    middle = times[len(times) // 2]
    result = run("list", "-r", "au1", "--created-after", middle, "-f", "ndjson")
    assert result.code == 0, result.err
    found = ndjson(result.out)
    bound = datetime.fromisoformat(middle)
    assert found
    assert len(found) < len(records)
    assert all(datetime.fromisoformat(r["created_at"]) >= bound for r in found)

    result = run("list", "-r", "au1", "--created-before", "2000-01-01", "-f", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == []


def test_created_after_needs_a_time_zone(run: Run) -> None:
    result = run("list", "--provider", "twilio", "--created-after", "2026-01-01T10:00")
    assert result.code == 2
    assert "no time zone" in result.err
    assert "Usage: confclient list" in result.err


@pytest.mark.confclient_sandbox(size=4)
def test_telnyx_cannot_filter_by_creation_time(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    result = run("list", "--created-after", "2026-01-01")
    assert result.code == 2
    assert result.err_lines == [
        "confclient: error: telnyx cannot filter conferences by created_after; the API has "
        "no such filter (confclient never filters on the client)"
    ]
    assert confclient_sandbox.stats.total_requests == 0


@pytest.mark.confclient_sandbox(size=3)
def test_nothing_found(run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    result = run("list", "-r", "US", "--name", "No such conference")
    assert (result.code, result.out, result.err) == (0, "", "no conferences\n")
    assert run("list", "-r", "US", "--name", "No such", "-f", "json").out == "[]\n"
    assert run("list", "-r", "US", "--name", "No such", "-f", "ndjson").out == ""
    assert run("list", "-r", "US", "--name", "No such", "-f", "csv").out.strip() == ",".join(FIELDS)


@pytest.mark.confclient_sandbox(size=23)
def test_page_size(run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox) -> None:
    use_env(confclient_sandbox.env("twilio"))
    result = run("list", "-r", "jp1", "--page-size", "5", "-f", "ndjson")
    assert result.code == 0, result.err
    assert len(ndjson(result.out)) == 23
    assert confclient_sandbox.stats.requests["GET", "/v1/Conferences"] == 5


# -- streaming ------------------------------------------------------------------------------


class FlushProbe(io.StringIO):
    """stdout that notes how many requests the sandbox had seen when the first row was
    flushed. Twilio pages by cursor, so page n+1 cannot be asked for before page n came."""

    def __init__(self, sandbox: ThreadedSandbox, fmt: str) -> None:
        super().__init__()
        self.sandbox = sandbox
        self.fmt = fmt
        self.requests_at_first_row: int | None = None

    def has_a_row(self) -> bool:
        text = self.getvalue()
        if self.fmt == "table":
            return len(text.splitlines()) > 2
        if self.fmt == "csv":
            return len(text.splitlines()) > 1
        return "CF" in text

    def flush(self) -> None:
        super().flush()
        if self.requests_at_first_row is None and self.has_a_row():
            self.requests_at_first_row = self.sandbox.stats.total_requests


@pytest.mark.parametrize("fmt", ["ndjson", "csv", "json", "table"])
@pytest.mark.confclient_sandbox(size=30, latency_ms=5)
def test_rows_are_flushed_before_the_listing_ends(
    fmt: str,
    use_env: UseEnv,
    confclient_sandbox: ThreadedSandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_env(confclient_sandbox.env("twilio"))
    probe = FlushProbe(confclient_sandbox, fmt)
    monkeypatch.setattr(sys, "stdout", probe)
    assert main(["list", "-r", "us1", "--page-size", "5", "--format", fmt]) == 0
    pages = confclient_sandbox.stats.total_requests
    assert pages == 6
    assert probe.requests_at_first_row is not None
    # The first page's rows were out while at most the next page was being fetched.
    assert probe.requests_at_first_row <= 2 < pages


@pytest.mark.confclient_sandbox(size=200, latency_ms=100)
def test_ndjson_first_row_reaches_a_pipe_while_listing(
    confclient_sandbox: ThreadedSandbox,
) -> None:
    """A real process and a real pipe: the first line arrives while pages are still being
    fetched (40 pages at 100 ms each are left when it does)."""
    env = {**confclient_sandbox.env("twilio"), "PYTHONUNBUFFERED": ""}
    command = [sys.executable, "-m", "confclient", "list", "-r", "sg1", "--page-size", "5"]
    process = subprocess.Popen(
        [*command, "--format", "ndjson"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_child_env(env),
    )
    try:
        assert process.stdout is not None
        first = json.loads(process.stdout.readline())
        still_running = process.poll() is None
        requests_seen = confclient_sandbox.stats.total_requests
    finally:
        process.kill()
        process.communicate()
    assert first["provider"] == "twilio"
    assert first["data_region"] == "sg1"
    assert still_running
    assert requests_seen < 40


def _child_env(extra: dict[str, str]) -> dict[str, str]:
    import os

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CONFCLIENT_", "TELNYX_", "TWILIO_"))
    }
    env.update({k: v for k, v in extra.items() if v})
    return env


# -- the progress line ----------------------------------------------------------------------


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.confclient_sandbox(size=30, latency_ms=2)
def test_progress_line_on_a_terminal_stderr(
    use_env: UseEnv, confclient_sandbox: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env({**confclient_sandbox.env("twilio"), "COLUMNS": "80"})
    stderr, stdout = Terminal(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setattr(sys, "stdout", stdout)
    assert main(["list", "-r", "au1", "--page-size", "10", "-f", "ndjson"]) == 0
    shown = stderr.getvalue()
    assert "\x1b[2K" in shown  # redrawn in place
    assert "records" in shown
    assert " pages · " in shown
    assert "records/s" in shown
    last = shown.rsplit("\x1b[2K", 1)[-1]
    assert last.startswith("30 conferences, 3 pages, ")
    assert last.endswith("/s)\n")
    assert len(stdout.getvalue().splitlines()) == 30  # rows never went to stderr
    assert "\x1b" not in stdout.getvalue()


@pytest.mark.confclient_sandbox(size=3)
def test_no_progress_flag(
    use_env: UseEnv, confclient_sandbox: ThreadedSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env(confclient_sandbox.env("twilio"))
    stderr = Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert main(["list", "-r", "au1", "--no-progress", "-f", "csv"]) == 0
    assert stderr.getvalue() == ""


def test_dates_are_utc_iso() -> None:
    from confclient.cli._writers import format_datetime

    assert format_datetime(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05Z"
    assert format_datetime(None) is None


@pytest.mark.parametrize("fmt", ["ndjson", "table"])
@pytest.mark.confclient_sandbox(size=800)
def test_a_reader_that_leaves_early_is_not_an_error(
    fmt: str, confclient_sandbox: ThreadedSandbox
) -> None:
    """``confclient list | head -1``: exit 0, nothing on stderr."""
    process = subprocess.Popen(
        [sys.executable, "-m", "confclient", "list", "-r", "all", "-f", fmt],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_child_env(confclient_sandbox.env("telnyx")),
    )
    assert process.stdout is not None
    assert process.stdout.readline()
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (0, b"")

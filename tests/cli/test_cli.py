"""The confclient command: demo and argument handling (sandbox serving is tested with it)."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest

from confclient.cli import format_table, main


def test_demo_lists_every_region_of_both_providers() -> None:
    out = io.StringIO()
    assert main(["demo", "--size", "2", "--seed", "4"], out=out) == 0
    text = out.getvalue()
    rows = [line.split()[0:2] for line in text.splitlines() if re.match(r"^(telnyx|twilio) ", line)]
    regions = {tuple(row) for row in rows}
    assert {r for p, r in regions if p == "telnyx"} == {"Australia", "Europe", "Middle", "US"}
    assert {r for p, r in regions if p == "twilio"} == {
        "us1",
        "us2",
        "au1",
        "br1",
        "ie1",
        "jp1",
        "sg1",
        "de1",
        "in1",
    }
    assert "telnyx: 8 conferences in 4 regions" in text
    assert "twilio: 18 conferences in 9 regions" in text
    assert re.search(r"^26 conferences, 13 pages, 13 requests", text, re.MULTILINE)


def test_demo_is_deterministic_for_a_seed() -> None:
    first, second = io.StringIO(), io.StringIO()
    main(["demo", "--size", "1", "--seed", "9"], out=first)
    main(["demo", "--size", "1", "--seed", "9"], out=second)

    def table(text: str) -> list[str]:
        return [line for line in text.splitlines() if re.match(r"^(telnyx|twilio) ", line)]

    assert table(first.getvalue()) == table(second.getvalue())
    assert len(table(first.getvalue())) == 13


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--size", "0"],
        ["demo", "--latency-ms", "-1"],
        ["sandbox", "--port", "70000"],
        ["sandbox", "--fault-rate", "2"],
        ["nope"],
        [],
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage: confclient" in capsys.readouterr().err


def test_console_script_module_entry() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "confclient", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stdout.startswith("confclient ")


def test_format_table() -> None:
    table = format_table([["a", "bbb"], ["cc", "d"]], ["h1", "h2"])
    assert table.splitlines() == ["h1  h2", "--  ---", "a   bbb", "cc  d"]

"""``confclient participants`` end to end against the sandbox: every format, the filters
each provider applies, refusals before any request, limits, and what ``demo`` shows."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from confclient.cli._participants import PARTICIPANT_FIELDS
from confclient.testing import ThreadedSandbox
from tests.cli.conftest import Run

UseEnv = Callable[[dict[str, str]], None]


def participant_records(sb: ThreadedSandbox, conference: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = sb.call(lambda s: s.telnyx_participant_records(conference))
    return records


def ndjson(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.confclient_sandbox(size=5, seed=3)
def test_table_and_every_format_list_the_same_participants(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    conference = confclient_sandbox.telnyx_records("Europe")[2]["id"]  # 601, found by id
    expected = [r["id"] for r in participant_records(confclient_sandbox, conference)]
    table = run("participants", conference)
    assert table.code == 0, table.err
    lines = table.out.splitlines()
    assert lines[0].split()[:3] == ["id", "label", "status"]
    assert [line.split()[0] for line in lines[2:]] == expected
    as_ndjson = run("participants", conference, "-f", "ndjson")
    assert [r["id"] for r in ndjson(as_ndjson.out)] == expected
    as_json = json.loads(run("participants", conference, "-f", "json").out)
    assert [r["id"] for r in as_json] == expected
    assert set(as_json[0]) == set(PARTICIPANT_FIELDS)
    rows = list(csv.DictReader(io.StringIO(run("participants", conference, "-f", "csv").out)))
    assert [r["id"] for r in rows] == expected
    raw = ndjson(run("participants", conference, "-f", "ndjson", "--raw", "--limit", "3").out)
    assert [r["raw"]["id"] for r in raw] == expected[:3]


@pytest.mark.confclient_sandbox(size=5, seed=3)
def test_telnyx_muted_and_on_hold(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    conference = confclient_sandbox.telnyx_records("US")[1]["id"]
    records = participant_records(confclient_sandbox, conference)
    result = run("participants", conference, "--muted", "--not-on-hold", "-f", "ndjson")
    assert result.code == 0, result.err
    assert [r["id"] for r in ndjson(result.out)] == [
        r["id"] for r in records if r["muted"] and not r["on_hold"]
    ]
    before = confclient_sandbox.stats.total_requests
    refused = run("participants", conference, "--label", "caller-1")
    assert refused.code == 2
    assert "telnyx cannot filter participants by label" in refused.err
    assert confclient_sandbox.stats.total_requests == before


@pytest.mark.confclient_sandbox(size=5, seed=3)
def test_twilio_label_and_refusals(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("twilio"))
    conference = confclient_sandbox.twilio_records("us1")[1]["conference_sid"]
    result = run("participants", conference, "--label", "caller-12", "-f", "ndjson")
    assert result.code == 0, result.err
    assert [r["label"] for r in ndjson(result.out)] == ["caller-12"]
    before = confclient_sandbox.stats.total_requests
    for argv in (["--muted"], ["--on-hold"]):
        refused = run("participants", conference, *argv)
        assert refused.code == 2
        assert "twilio cannot filter participant summaries" in refused.err
    malformed = run("participants", "CA" + "0" * 32)
    assert malformed.code == 2
    assert "conference SID" in malformed.err
    assert confclient_sandbox.stats.total_requests == before
    missing = run("participants", "CF" + "0" * 32)
    assert missing.code == 4


@pytest.mark.confclient_sandbox(size=5, seed=3)
def test_limit_and_an_empty_conference(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("twilio"))
    records = confclient_sandbox.twilio_records("us1")
    limited = run("participants", records[1]["conference_sid"], "--limit", "7", "-f", "ndjson")
    assert len(ndjson(limited.out)) == 7
    empty = run("participants", records[3]["conference_sid"])  # none, in every region
    assert empty.code == 0
    assert empty.out == ""
    assert "no participants" in empty.err


def test_demo_shows_participants_of_one_conference_per_provider(run: Run) -> None:
    result = run("demo", "--size", "2", "--seed", "4")
    assert result.code == 0, result.err
    headings = re.findall(
        r"^participants of (telnyx|twilio) conference (\S+) .*:$", result.out, re.M
    )
    assert [provider for provider, _ in headings] == ["telnyx", "twilio"]
    assert result.out.count("id ") >= 2

"""The events benchmark's parts run, and every client it times accepts every delivery it
times (a refused delivery raises, so a fast wrong client cannot look good)."""

from __future__ import annotations

import pytest

from benchmarks import events


@pytest.mark.parametrize("provider", events.PROVIDERS)
def test_verify_case_runs_every_client_it_has(provider: str) -> None:
    medians = events.verify_case(provider, 60, rounds=1)
    assert {"confclient", "raw floor"} <= set(medians)
    assert all(seconds > 0 for seconds in medians.values())


def test_deliveries_are_whole_signed_conferences() -> None:
    deliveries, sb = events.make_deliveries("twilio", 40)
    verifier = sb.webhook_verifier("twilio")
    kinds = [verifier.verify(h, b, url=u).type.value for h, b, u in deliveries]
    assert kinds[:3] == ["participant_joined", "participant_joined", "conference_started"]
    assert len(deliveries) == 40


def test_render() -> None:
    figures = {
        "deliveries": 10,
        "verify": {"twilio": {"confclient": 1.0, "twilio SDK": 2.0}},
        "handler": {"deliveries": 5, "concurrency": 2, "per_s": 3000.0},
    }
    text = events.render(figures, "python -m benchmarks.events")
    assert "| twilio | twilio SDK | 2.000 | 5 | x2.00 |" in text
    assert "3,000 deliveries/s" in text

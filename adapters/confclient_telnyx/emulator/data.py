"""Deterministic, seeded Telnyx conference records for the sandbox.

Everything here is a pure function of ``seed`` (and of the region asked for), with times
counted back from the sandbox's fixed ``EPOCH_MS``. Records are generated straight into their
JSON bytes (every generated string is plain ASCII with no character JSON would escape),
because the sandbox is also the benchmark server and a 100,000-record region must be ready in
a fraction of a second.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from operator import itemgetter
from typing import Final, NamedTuple

from confclient.adapter import (
    CONFERENCE_NAMES,
    EPOCH_MS,
    iso_ms,
    json_dumps,
    paused_gc,
    seeded_rng,
    uuid4_str,
)

__all__ = [
    "ACTIVE_STATUSES",
    "DEFAULT_REGION",
    "TELNYX_END_REASONS",
    "TELNYX_REGIONS",
    "TELNYX_SITES",
    "TelnyxRow",
    "generate_telnyx_region",
    "make_row",
    "telnyx_api_key",
    "telnyx_connection_ids",
]

_MINUTE_MS: Final = 60_000
_HOUR_MS: Final = 60 * _MINUTE_MS
_DAY_MS: Final = 24 * _HOUR_MS
_CONFERENCE_LIFETIME_MS: Final = 4 * _HOUR_MS
# Completed conferences were created up to this long before EPOCH_MS.
_HISTORY_MS: Final = 60 * _DAY_MS

#: Telnyx data regions (the ``region`` query parameter), in the spec's order.
TELNYX_REGIONS: Final = ("Australia", "Europe", "Middle East", "US")
#: The data region a request naming none gets (standing in for the account's data locality).
DEFAULT_REGION: Final = "US"

#: Hosting site codes (the record's ``region`` field) of each data region.
TELNYX_SITES: Final[Mapping[str, tuple[str, ...]]] = {
    "Australia": ("sy1",),
    "Europe": ("am3", "fr5"),
    "Middle East": ("dx1",),
    "US": ("sv1", "ch1", "dc2"),
}

TELNYX_END_REASONS: Final = ("all_left", "ended_via_api", "host_left", "time_exceeded")
ACTIVE_STATUSES: Final = frozenset({"init", "in_progress"})

# Cumulative thresholds of a uniform draw: 3% init, 7% in_progress, the rest completed.
_INIT_BELOW: Final = 0.03
_IN_PROGRESS_BELOW: Final = 0.10


def telnyx_api_key(seed: int) -> str:
    """The sandbox's Telnyx API key for ``seed`` (``KEYsandbox`` + 24 hex digits)."""
    return f"KEYsandbox{seeded_rng(seed, 'telnyx', 'api-key').getrandbits(96):024x}"


def telnyx_connection_ids(seed: int) -> tuple[str, ...]:
    """The few Call Control connection ids (19-digit strings) the generated records use."""
    rng = seeded_rng(seed, "telnyx", "connections")
    return tuple(str(rng.randrange(10**18, 10**19)) for _ in range(5))


class TelnyxRow(NamedTuple):
    """One stored Telnyx conference: the fields the emulator indexes, plus its JSON bytes."""

    sort_key: tuple[int, str]
    """``(-expires_at_ms, id)``: ascending order of this key is the API's list order."""
    id: str
    name: str
    status: str
    connection_id: str
    body: bytes


_sort_key: Final = itemgetter(0)


def make_row(record: dict[str, str], expires_ms: int) -> TelnyxRow:
    """The row of a record made at run time (a created or inserted conference)."""
    ident = record["id"]
    return TelnyxRow(
        (-expires_ms, ident),
        ident,
        record["name"],
        record["status"],
        record["connection_id"],
        json_dumps(record),
    )


def generate_telnyx_region(seed: int, region: str, size: int) -> list[TelnyxRow]:
    """Generate ``size`` conferences of one Telnyx data region, in the API's list order.

    The order is descending ``expires_at``, ties broken by ascending ``id``. About 3% of the
    conferences are ``init`` and 7% ``in_progress`` (created in the four hours before
    ``EPOCH_MS`` and expiring four hours after creation); the rest are ``completed``, with
    an ``end_reason``, an ``ended_by`` and an ``expires_at`` at the moment they ended.
    """
    if region not in TELNYX_SITES:
        raise ValueError(f"unknown Telnyx region {region!r}; expected one of {TELNYX_REGIONS}")
    with paused_gc():
        return _generate_telnyx_region(seed, region, size)


def _generate_telnyx_region(seed: int, region: str, size: int) -> list[TelnyxRow]:
    rng = seeded_rng(seed, "telnyx", "conferences", region)
    sites = TELNYX_SITES[region]
    connections = telnyx_connection_ids(seed)
    names = CONFERENCE_NAMES
    reasons = TELNYX_END_REASONS
    suffixes = max(100, size)
    random_ = rng.random
    getrandbits = rng.getrandbits

    def randrange(start: int, stop: int | None = None) -> int:
        # int(random() * n) is several times faster than Random.randrange and uniform enough
        # for fake data (every n used here is far below 2**53).
        if stop is None:
            return int(random_() * start)
        return start + int(random_() * (stop - start))

    make = TelnyxRow._make  # skips the keyword-handling __new__: measurably faster
    rows: list[TelnyxRow] = []
    append = rows.append
    for _ in range(size):
        ident = uuid4_str(getrandbits(128))
        name = f"{names[randrange(len(names))]} {randrange(1, suffixes)}"
        site = sites[randrange(len(sites))]
        connection_id = connections[randrange(len(connections))]
        roll = random_()
        if roll < _IN_PROGRESS_BELOW:
            created = EPOCH_MS - randrange(1, _CONFERENCE_LIFETIME_MS)
            expires = created + _CONFERENCE_LIFETIME_MS
            if roll < _INIT_BELOW:
                status = "init"
                updated = created
            else:
                status = "in_progress"
                updated = created + randrange(EPOCH_MS - created)
            tail = ""
        else:
            status = "completed"
            created = EPOCH_MS - randrange(_CONFERENCE_LIFETIME_MS, _HISTORY_MS)
            reason = reasons[randrange(len(reasons))]
            if reason == "time_exceeded":
                expires = created + _CONFERENCE_LIFETIME_MS
            else:
                expires = created + randrange(_MINUTE_MS, _CONFERENCE_LIFETIME_MS)
            updated = expires
            control = base64.urlsafe_b64encode(rng.randbytes(40)).rstrip(b"=").decode()
            session = uuid4_str(getrandbits(128))
            tail = (
                f',"end_reason":"{reason}","ended_by":{{"call_control_id":"v3:{control}",'
                f'"call_session_id":"{session}"}}'
            )
        body = (
            f'{{"record_type":"conference","id":"{ident}","name":"{name}",'
            f'"created_at":"{iso_ms(created)}","expires_at":"{iso_ms(expires)}",'
            f'"updated_at":"{iso_ms(updated)}","region":"{site}","status":"{status}"{tail},'
            f'"connection_id":"{connection_id}"}}'
        ).encode()
        append(make(((-expires, ident), ident, name, status, connection_id, body)))
    rows.sort(key=_sort_key)
    return rows

"""Deterministic, seeded data for the sandbox.

Everything here is a pure function of ``seed`` (and of the region or label asked for): two
sandboxes with the same seed serve byte-identical records, whatever the process, the hash seed
or the order in which regions are first used. Timestamps are offsets back from the fixed
:data:`EPOCH_MS`, never from the current time.

Records are generated straight into their JSON bytes (every generated string is plain ASCII
with no character JSON would escape), because the sandbox is also the benchmark server and a
100,000-record region must be ready in a fraction of a second.
"""

from __future__ import annotations

import base64
import gc
import random
from collections.abc import Mapping
from datetime import UTC, datetime
from operator import itemgetter
from typing import Final, NamedTuple

__all__ = [
    "EPOCH_MS",
    "TELNYX_CONFERENCE_NAMES",
    "TELNYX_END_REASONS",
    "TELNYX_REGIONS",
    "TELNYX_SITES",
    "TelnyxRow",
    "generate_telnyx_region",
    "iso_ms",
    "seeded_rng",
    "telnyx_api_key",
    "telnyx_connection_ids",
    "uuid4_str",
]

#: 2026-11-01T00:00:00Z in milliseconds: "now" as far as generated data is concerned.
EPOCH_MS: Final = 1_793_491_200_000

_MINUTE_MS: Final = 60_000
_HOUR_MS: Final = 60 * _MINUTE_MS
_DAY_MS: Final = 24 * _HOUR_MS
_CONFERENCE_LIFETIME_MS: Final = 4 * _HOUR_MS
# Completed conferences were created up to this long before EPOCH_MS.
_HISTORY_MS: Final = 60 * _DAY_MS

#: Telnyx data regions (the ``region`` query parameter), in the spec's order.
TELNYX_REGIONS: Final = ("Australia", "Europe", "Middle East", "US")

#: Hosting site codes (the record's ``region`` field) of each data region.
TELNYX_SITES: Final[Mapping[str, tuple[str, ...]]] = {
    "Australia": ("sy1",),
    "Europe": ("am3", "fr5"),
    "Middle East": ("dx1",),
    "US": ("sv1", "ch1", "dc2"),
}

TELNYX_CONFERENCE_NAMES: Final = (
    "All hands meeting",
    "Board review",
    "Business",
    "Customer onboarding",
    "Daily standup",
    "Design review",
    "Engineering sync",
    "Finance close",
    "Incident bridge",
    "Interview loop",
    "Marketing weekly",
    "Partner call",
    "Product demo",
    "Quarterly planning",
    "Recruiting sync",
    "Sales sync",
    "Security review",
    "Support escalation",
    "Training session",
    "Vendor check-in",
)

TELNYX_END_REASONS: Final = ("all_left", "ended_via_api", "host_left", "time_exceeded")

# Cumulative thresholds of a uniform draw: 3% init, 7% in_progress, the rest completed.
_INIT_BELOW: Final = 0.03
_IN_PROGRESS_BELOW: Final = 0.10

_VERSION_MASK: Final = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_BITS: Final = (0x4000 << 64) | (0x8000 << 48)


def seeded_rng(seed: int, *labels: str) -> random.Random:
    """A ``random.Random`` that depends only on ``seed`` and ``labels``.

    String seeds are hashed with SHA-512 by :mod:`random`, so the stream is stable across
    processes (it does not depend on ``PYTHONHASHSEED``).
    """
    return random.Random(":".join(("confclient-sandbox", str(seed), *labels)))


def uuid4_str(bits: int) -> str:
    """The canonical string of ``uuid.UUID(int=bits, version=4)``, computed without the object."""
    h = f"{(bits & _VERSION_MASK) | _VERSION_BITS:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_day_prefixes: dict[int, str] = {}
# "HH:MM:SS" of every second of a day, built on first use (generation formats three
# timestamps per record, so this table is what keeps 100,000 records well under a second).
_clock: list[str] = []


def iso_ms(ms: int) -> str:
    """Format epoch milliseconds as ISO 8601 UTC with milliseconds: ``2019-01-23T18:10:02.574Z``."""
    if not _clock:
        _clock.extend(
            f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
        )
    day, ms_of_day = divmod(ms, _DAY_MS)
    prefix = _day_prefixes.get(day)
    if prefix is None:
        prefix = datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y-%m-%dT")
        if len(_day_prefixes) < 4096:
            _day_prefixes[day] = prefix
    second, millis = divmod(ms_of_day, 1000)
    return f"{prefix}{_clock[second]}.{millis:03d}Z"


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


def generate_telnyx_region(seed: int, region: str, size: int) -> list[TelnyxRow]:
    """Generate ``size`` conferences of one Telnyx data region, in the API's list order.

    The order is descending ``expires_at``, ties broken by ascending ``id``. About 3% of the
    conferences are ``init`` and 7% ``in_progress`` (created in the four hours before
    :data:`EPOCH_MS` and expiring four hours after creation); the rest are ``completed``, with
    an ``end_reason``, an ``ended_by`` and an ``expires_at`` at the moment they ended.
    """
    if region not in TELNYX_SITES:
        raise ValueError(f"unknown Telnyx region {region!r}; expected one of {TELNYX_REGIONS}")
    # Every row is a few fresh container objects; pausing the cyclic collector (which only
    # delays a collection) saves about a quarter of the time for large sizes.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate_telnyx_region(seed, region, size)
    finally:
        if gc_was_enabled:
            gc.enable()


def _generate_telnyx_region(seed: int, region: str, size: int) -> list[TelnyxRow]:
    rng = seeded_rng(seed, "telnyx", "conferences", region)
    sites = TELNYX_SITES[region]
    connections = telnyx_connection_ids(seed)
    names = TELNYX_CONFERENCE_NAMES
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

    make_row = TelnyxRow._make  # skips the keyword-handling __new__: measurably faster
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
        append(make_row(((-expires, ident), ident, name, status, connection_id, body)))
    rows.sort(key=_sort_key)
    return rows

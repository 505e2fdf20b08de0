"""Seeded-data helpers every emulator builds its records with.

Everything here is a pure function of its arguments: two sandboxes with the same seed serve
byte-identical records, whatever the process, the hash seed or the order in which regions are
first used. Timestamps are offsets back from the fixed :data:`EPOCH_MS`, never from the current
time. The helpers are fast because the sandbox is also the benchmark server: a 100,000-record
region must be ready in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime
from typing import Final

__all__ = [
    "CONFERENCE_NAMES",
    "EPOCH_MS",
    "iso_ms",
    "participant_count",
    "seeded_rng",
    "uuid4_str",
]

#: 2026-11-01T00:00:00Z in milliseconds: "now" as far as generated data is concerned.
EPOCH_MS: Final = 1_793_491_200_000

_DAY_MS: Final = 24 * 60 * 60 * 1000

#: Conference names generated records draw from (followed by a number).
CONFERENCE_NAMES: Final = (
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
# "HH:MM:SS" of every second of a day, built on first use (generation formats several
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


#: Participants of an ordinary generated conference: 0 to this many.
MAX_SMALL_PARTICIPANTS: Final = 40
#: Participants of the second, third and fourth conference of each region (in list order
#: at start): two large ones (more than one page at the largest page size of either
#: provider; neither a multiple of any usual page size) and one with none.
FIXED_PARTICIPANTS: Final = (1_503, 601, 0)


def participant_count(seed: int, provider: str, conference_id: str) -> int:
    """How many participants an ordinary generated conference has: 0 to
    :data:`MAX_SMALL_PARTICIPANTS`, a pure function of its arguments (cheap: no generator is
    made, so a 100,000-conference region costs nothing until a listing asks)."""
    digest = hashlib.blake2b(f"{seed}:{provider}:{conference_id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % (MAX_SMALL_PARTICIPANTS + 1)

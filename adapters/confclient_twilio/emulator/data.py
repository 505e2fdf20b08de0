"""Deterministic, seeded Twilio Voice Insights conference summaries for the sandbox.

Everything here is a pure function of ``seed`` and of the mixer region asked for, with times
counted back from the sandbox's fixed ``EPOCH_MS``, and every record is written straight into
its canonical JSON bytes.

Each record's ``url`` and ``links`` are encoded on :data:`CANONICAL_ORIGIN`
(``https://insights.twilio.com``); the provider swaps in the request's own origin when it serves
them (:func:`rebase`), which is a plain byte replacement because no generated string contains a
double quote.

Timestamps come in the two forms the real API uses: most records have whole seconds written
without a fraction (``2026-10-31T09:42:00Z``), about one in five carries milliseconds
(``2026-10-31T09:42:00.123Z``) in all of its timestamps.
"""

from __future__ import annotations

import heapq
import string
from collections.abc import Iterable
from typing import Final, NamedTuple

from confclient.adapter import CONFERENCE_NAMES, EPOCH_MS, iso_ms, paused_gc, seeded_rng

__all__ = [
    "CANONICAL_ORIGIN",
    "TWILIO_DETECTED_ISSUES",
    "TWILIO_END_REASONS",
    "TWILIO_MIXER_REGIONS",
    "TWILIO_PROCESSING_STATES",
    "TWILIO_STATUSES",
    "TWILIO_TAGS",
    "TwilioCredentials",
    "TwilioRow",
    "generate_twilio_region",
    "merge_rows",
    "rebase",
    "region_of_sid",
    "twilio_credentials",
    "twilio_subaccount_sids",
]

#: The documented Twilio mixer regions, in the documented order: the values of ``MixerRegion``
#: and of the records' ``mixer_region`` and ``mixer_region_requested``. (``us2`` and ``in1``
#: are participant regions only: the API documents neither for a conference.)
TWILIO_MIXER_REGIONS: Final = ("us1", "au1", "br1", "ie1", "jp1", "sg1", "de1")
TWILIO_STATUSES: Final = ("in_progress", "not_started", "completed", "summary_timeout")
TWILIO_END_REASONS: Final = (
    "last_participant_left",
    "conference_ended_via_api",
    "participant_with_end_conference_on_exit_left",
    "last_participant_kicked",
    "participant_with_end_conference_on_exit_kicked",
)
#: The documented tag values, in the documented order (records list their tags in this order).
TWILIO_TAGS: Final = (
    "invalid_requested_region",
    "duplicate_identity",
    "start_failure",
    "region_configuration_issues",
    "quality_warnings",
    "participant_behavior_issues",
    "high_packet_loss",
    "high_jitter",
    "high_latency",
    "low_mos",
    "detected_silence",
)
#: The keys of a record's ``detected_issues`` object (values of ``DetectedIssues``).
TWILIO_DETECTED_ISSUES: Final = ("call_quality", "region_configuration", "participant_behavior")
TWILIO_PROCESSING_STATES: Final = ("complete", "in_progress", "timeout")

#: The origin generated ``url`` / ``links`` values are encoded on before :func:`rebase`.
CANONICAL_ORIGIN: Final = "https://insights.twilio.com"
_URL_PREFIX: Final = f'"{CANONICAL_ORIGIN}/v1/Conferences/'.encode()

_SECOND_MS: Final = 1000
_MINUTE_MS: Final = 60 * _SECOND_MS
_HOUR_MS: Final = 60 * _MINUTE_MS
_DAY_MS: Final = 24 * _HOUR_MS
_MAX_LENGTH_MS: Final = 4 * _HOUR_MS
# Finished conferences were created up to this long before EPOCH_MS.
_HISTORY_MS: Final = 60 * _DAY_MS

# Cumulative thresholds of one uniform draw per record.
_NOT_STARTED_BELOW: Final = 0.03
_IN_PROGRESS_BELOW: Final = 0.08
_SUMMARY_TIMEOUT_BELOW: Final = 0.12
# Share of records written with millisecond timestamps, and of records owned by a subaccount.
_PRECISE_SHARE: Final = 0.2
_SUBACCOUNT_SHARE: Final = 0.04
# Cumulative weights of the end reasons (in TWILIO_END_REASONS order).
_END_REASON_CUTS: Final = (0.55, 0.67, 0.87, 0.95, 1.0)
_MAX_PARTICIPANTS: Final = (10, 25, 50, 100, 250, 250, 250)
_QUALITY_TAGS: Final = ("high_packet_loss", "high_jitter", "high_latency", "low_mos")
_BEHAVIOR_TAGS: Final = ("detected_silence", "duplicate_identity")
_TAG_ORDER: Final = {tag: index for index, tag in enumerate(TWILIO_TAGS)}
_SECRET_ALPHABET: Final = string.ascii_letters + string.digits


class TwilioCredentials(NamedTuple):
    """The sandbox account and its two accepted Basic-auth pairs."""

    account_sid: str
    auth_token: str
    api_key: str
    api_secret: str


def _hex32(bits: int) -> str:
    return f"{bits:032x}"


def twilio_credentials(seed: int) -> TwilioCredentials:
    """The sandbox's Twilio account SID, auth token, API key SID and API key secret."""
    rng = seeded_rng(seed, "twilio", "credentials")
    return TwilioCredentials(
        account_sid="AC" + _hex32(rng.getrandbits(128)),
        auth_token=_hex32(rng.getrandbits(128)),
        api_key="SK" + _hex32(rng.getrandbits(128)),
        api_secret="".join(rng.choice(_SECRET_ALPHABET) for _ in range(32)),
    )


def twilio_subaccount_sids(seed: int) -> tuple[str, ...]:
    """The subaccounts that own a few generated records of every region."""
    rng = seeded_rng(seed, "twilio", "subaccounts")
    return tuple("AC" + _hex32(rng.getrandbits(128)) for _ in range(3))


def region_of_sid(sid: str) -> str | None:
    """The mixer region a generated conference SID belongs to (its last hex digit is the
    region's index in :data:`TWILIO_MIXER_REGIONS`), or ``None`` for a SID no region can hold
    (a last digit from 7 to f). ``sid`` must already match ``CF`` + 32 hex, any case."""
    index = int(sid[-1], 16)
    return TWILIO_MIXER_REGIONS[index] if index < len(TWILIO_MIXER_REGIONS) else None


def rebase(body: bytes, origin: bytes) -> bytes:
    """``body`` (records, or JSON holding them) with every record URL moved onto ``origin``
    (e.g. ``b"http://127.0.0.1:8765"``; it must need no JSON escaping)."""
    return body.replace(_URL_PREFIX, b'"' + origin + b"/v1/Conferences/")


class TwilioRow(NamedTuple):
    """One stored conference summary: the fields the emulator filters on, plus its JSON bytes."""

    sort_key: tuple[int, str]
    """``(-create_time_ms, conference_sid)``: ascending order of this key is the list order."""
    sid: str
    account_sid: str
    friendly_name: str
    status: str
    create_ms: int
    mixer_region: str
    end_reason: str | None
    tags: frozenset[str]
    issues: frozenset[str]
    """The ``detected_issues`` names with a non-zero count."""
    body: bytes


def merge_rows(tables: Iterable[list[TwilioRow]]) -> list[TwilioRow]:
    """Several regions' rows (each in list order) merged into one list in list order."""
    return list(heapq.merge(*tables, key=_sort_key))


def _sort_key(row: TwilioRow) -> tuple[int, str]:
    return row.sort_key


def generate_twilio_region(seed: int, mixer_region: str, size: int) -> list[TwilioRow]:
    """Generate ``size`` conference summaries mixed in ``mixer_region``, in the API's list order.

    The order is descending ``create_time``, ties broken by ascending ``conference_sid``. About
    3% of the conferences are ``not_started`` and 5% ``in_progress`` (created in the hours
    before ``EPOCH_MS``, no end yet), 4% ``summary_timeout`` and the rest
    ``completed``. The last hex digit of every ``conference_sid`` is the index of its region in
    :data:`TWILIO_MIXER_REGIONS` (so a retrieve generates one region only).
    """
    if mixer_region not in TWILIO_MIXER_REGIONS:
        raise ValueError(
            f"unknown Twilio mixer region {mixer_region!r}; expected one of {TWILIO_MIXER_REGIONS}"
        )
    with paused_gc():
        return _generate(seed, mixer_region, size)


def _time(ms: int, precise: bool) -> str:
    text = iso_ms(ms)
    return f'"{text}"' if precise else f'"{text[:-5]}Z"'


def _generate(seed: int, mixer_region: str, size: int) -> list[TwilioRow]:
    rng = seeded_rng(seed, "twilio", "conferences", mixer_region)
    region_index = TWILIO_MIXER_REGIONS.index(mixer_region)
    account_sid = twilio_credentials(seed).account_sid
    subaccounts = twilio_subaccount_sids(seed)
    names = CONFERENCE_NAMES
    regions = TWILIO_MIXER_REGIONS
    other_regions = tuple(region for region in regions if region != mixer_region)
    suffixes = max(100, size)
    random_ = rng.random
    getrandbits = rng.getrandbits
    frozen: dict[tuple[str, ...], frozenset[str]] = {(): frozenset()}

    def randrange(start: int, stop: int) -> int:
        # Far faster than Random.randrange, and uniform enough for fake data.
        return start + int(random_() * (stop - start))

    def pick(values: tuple[str, ...]) -> str:
        return values[int(random_() * len(values))]

    def freeze(values: tuple[str, ...]) -> frozenset[str]:
        found = frozen.get(values)
        if found is None:
            found = frozen[values] = frozenset(values)
        return found

    make_row = TwilioRow._make
    rows: list[TwilioRow] = []
    append = rows.append
    for _ in range(size):
        sid = f"CF{(getrandbits(124) << 4) | region_index:032x}"
        name = f"{pick(names)} {randrange(1, suffixes)}"
        owner = pick(subaccounts) if random_() < _SUBACCOUNT_SHARE else account_sid
        precise = random_() < _PRECISE_SHARE
        unit = 1 if precise else _SECOND_MS
        max_participants = _MAX_PARTICIPANTS[int(random_() * len(_MAX_PARTICIPANTS))]
        unique = randrange(2, min(max_participants, 40) + 1)
        concurrent = randrange(1, unique + 1)
        roll = random_()
        request_roll = random_()
        if request_roll < 0.25:
            requested = "null"
        elif request_roll < 0.95:
            requested = f'"{mixer_region}"'
        else:
            requested = f'"{pick(other_regions)}"'
        recording = "true" if random_() < 0.25 else "false"
        reason: str | None = None
        ended_by = "null"
        tags: tuple[str, ...] = ()
        issues: tuple[str, ...] = ()
        issues_json = tag_info = "null"
        end_json = duration = connect_duration = "null"
        if roll < _IN_PROGRESS_BELOW:
            created = EPOCH_MS - randrange(1, _MAX_LENGTH_MS // unit) * unit
            processing = "in_progress"
            if roll < _NOT_STARTED_BELOW:
                status = "not_started"
                start_json = "null"
                unique = concurrent = 1
            else:
                status = "in_progress"
                started = min(created + randrange(0, 90_000 // unit) * unit, EPOCH_MS)
                start_json = _time(started, precise)
        else:
            created = EPOCH_MS - randrange(_MAX_LENGTH_MS // unit, _HISTORY_MS // unit) * unit
            started = created + randrange(0, 90_000 // unit) * unit
            ended = started + randrange(_MINUTE_MS // unit, _MAX_LENGTH_MS // unit) * unit
            start_json = _time(started, precise)
            end_json = _time(ended, precise)
            duration = str((ended - created) // _SECOND_MS)
            connect_duration = str((ended - started) // _SECOND_MS)
            if roll < _SUMMARY_TIMEOUT_BELOW:
                status = "summary_timeout"
                processing = "timeout"
            else:
                status = "completed"
                cut = random_()
                reason = TWILIO_END_REASONS[sum(cut >= edge for edge in _END_REASON_CUTS[:-1])]
                if reason != "conference_ended_via_api":
                    ended_by = f'"CA{getrandbits(128):032x}"'
                if random_() < 0.03:
                    processing = "in_progress"  # the summary is still being built
                else:
                    processing = "complete"
                    quality = randrange(1, 4) if random_() < 0.2 else 0
                    region_issues = 1 if requested not in ("null", f'"{mixer_region}"') else 0
                    behavior = randrange(1, 5) if random_() < 0.15 else 0
                    found: list[str] = []
                    if quality:
                        found += ("quality_warnings", pick(_QUALITY_TAGS))
                        if random_() < 0.5:
                            found.append(pick(_QUALITY_TAGS))
                    if region_issues:
                        found.append("region_configuration_issues")
                        if random_() < 0.4:
                            found.append("invalid_requested_region")
                    if behavior:
                        found += ("participant_behavior_issues", pick(_BEHAVIOR_TAGS))
                    tags = tuple(sorted(set(found), key=_TAG_ORDER.__getitem__))
                    issues = tuple(
                        issue
                        for issue, count in zip(
                            TWILIO_DETECTED_ISSUES, (quality, region_issues, behavior), strict=True
                        )
                        if count
                    )
                    issues_json = (
                        f'{{"call_quality":{quality},"region_configuration":{region_issues},'
                        f'"participant_behavior":{behavior}}}'
                    )
                    if tags:
                        tag_info = (
                            "{"
                            + ",".join(f'"{tag}":{{"count":{randrange(1, 4)}}}' for tag in tags)
                            + "}"
                        )
        url = f"{CANONICAL_ORIGIN}/v1/Conferences/{sid}"
        reason_json = "null" if reason is None else f'"{reason}"'
        tags_json = "[" + ",".join(f'"{tag}"' for tag in tags) + "]"
        body = (
            f'{{"account_sid":"{owner}","conference_sid":"{sid}","friendly_name":"{name}",'
            f'"create_time":{_time(created, precise)},"start_time":{start_json},'
            f'"end_time":{end_json},"duration_seconds":{duration},'
            f'"connect_duration_seconds":{connect_duration},"status":"{status}",'
            f'"max_participants":{max_participants},"max_concurrent_participants":{concurrent},'
            f'"unique_participants":{unique},"end_reason":{reason_json},"ended_by":{ended_by},'
            f'"mixer_region":"{mixer_region}","mixer_region_requested":{requested},'
            f'"recording_enabled":{recording},"detected_issues":{issues_json},'
            f'"tags":{tags_json},"tag_info":{tag_info},"processing_state":"{processing}",'
            f'"url":"{url}","links":{{"conference_participants":"{url}/Participants"}}}}'
        ).encode()
        append(
            make_row(
                (
                    (-created, sid),
                    sid,
                    owner,
                    name,
                    status,
                    created,
                    mixer_region,
                    reason,
                    freeze(tags),
                    freeze(issues),
                    body,
                )
            )
        )
    rows.sort(key=_sort_key)
    return rows

"""The neutral participant operations (confclient/_participants.py), without a provider: what
reaches the adapter's hooks, and what is refused before any request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

import pytest

from confclient import (
    BaseConferenceService,
    Capability,
    Conference,
    InvalidRequestError,
    Pager,
    Participant,
    ParticipantQuery,
    RetryPolicy,
    UnsupportedOperationError,
)
from confclient.paging import RawPage, encode_resume_token
from confclient.transport import Transport


class _Source:
    provider = "acme"

    async def fetch_page(self, cursor: Any) -> RawPage[Participant]:
        items = [Participant(provider="acme", id=f"p{i}", conference_id=cursor) for i in range(3)]
        return RawPage(items=items, next_cursor=None)


class AcmeService(BaseConferenceService):
    provider: ClassVar[str] = "acme"
    regions: ClassVar[tuple[str, ...]] = ("Europe", "US")
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.PARTICIPANTS})

    def __init__(self, transport: Transport) -> None:
        super().__init__(transport)
        self.calls: list[tuple[Any, ...]] = []

    def _participants(
        self, conference_id: str, region: str | None, query: ParticipantQuery
    ) -> Pager:
        self.calls.append(("list", conference_id, region, query))
        return Pager(_Source(), conference_id, limit=query.limit)

    def _resume_participants(
        self,
        conference_id: str,
        region: str | None,
        query: ParticipantQuery,
        cursor: Any,
        skip: int,
    ) -> Pager:
        self.calls.append(("resume", conference_id, region, cursor, skip))
        return Pager(_Source(), cursor, limit=query.limit, skip=skip)

    async def _get_participant(
        self, conference_id: str, region: str | None, participant_id: str
    ) -> Participant:
        self.calls.append(("get", conference_id, region, participant_id))
        return Participant(provider="acme", id=participant_id, conference_id=conference_id)


@pytest.fixture
async def svc() -> AsyncIterator[AcmeService]:
    transport = Transport(
        provider="acme",
        base_url="http://127.0.0.1:9/v2",
        headers={},
        retry=RetryPolicy.disabled(),
    )
    service = AcmeService(transport)
    yield service
    await service.aclose()


async def test_a_conference_gives_its_id_and_data_region(svc: AcmeService) -> None:
    conf = Conference(provider="acme", id="c1", data_region="US")
    got = await svc.participants(conf, muted=True, limit=2).collect()
    assert [p.id for p in got] == ["p0", "p1"]
    kind, conference_id, region, query = svc.calls[0]
    assert (kind, conference_id, region) == ("list", "c1", "US")
    assert (query.muted, query.limit) == (True, 2)
    # An id: found by the adapter (no region); a region the service does not know: none.
    svc.participants("c2")
    svc.participants(Conference(provider="acme", id="c3", data_region="Mars"))
    assert [call[1:3] for call in svc.calls[1:]] == [("c2", None), ("c3", None)]
    one = await svc.get_participant(conf, "p9")
    assert (one.id, svc.calls[-1]) == ("p9", ("get", "c1", "US", "p9"))


async def test_a_resume_token_reaches_the_adapter_decoded(svc: AcmeService) -> None:
    token = encode_resume_token("acme", {"at": 7}, 2)
    got = await svc.participants("c1", resume_token=token).collect()
    assert [p.id for p in got] == ["p2"]
    assert svc.calls == [("resume", "c1", None, {"at": 7}, 2)]
    with pytest.raises(InvalidRequestError, match="belongs to provider"):
        svc.participants("c1", resume_token=encode_resume_token("other", 1))


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("",), {}),
        ((3,), {}),
        ((Conference(provider="other", id="c1"),), {}),
        (("c1",), {"muted": "yes"}),
        (("c1",), {"on_hold": 1}),
        (("c1",), {"label": ""}),
        (("c1",), {"label": "\ud800"}),
        (("c1",), {"page_size": 0}),
        (("c1",), {"limit": True}),
        (("c1",), {"filters": ["muted"]}),
        (("c1",), {"resume_token": 5}),
        (("c1",), {"resume_token": "not a token"}),
    ],
)
async def test_bad_arguments_are_refused_before_the_adapter(
    svc: AcmeService, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(InvalidRequestError):
        svc.participants(*args, **kwargs)
    assert svc.calls == []
    assert svc.transport.requests_sent == 0


async def test_a_participant_id_is_checked_and_the_capability_required(
    svc: AcmeService,
) -> None:
    for bad in ("", "  ", None):
        with pytest.raises(InvalidRequestError, match="participant_id"):
            await svc.get_participant("c1", bad)  # type: ignore[arg-type]
    assert svc.calls == []

    class NoParticipants(AcmeService):
        capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.LIST})

    other = NoParticipants(svc.transport)
    with pytest.raises(UnsupportedOperationError) as info:
        other.participants("c1")
    assert info.value.operation == "participants"
    with pytest.raises(UnsupportedOperationError):
        await other.get_participant("c1", "p1")

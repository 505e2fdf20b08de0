"""One client listing one conference's participants, in a fresh interpreter:
``python -m benchmarks._participants_child SPEC_JSON`` (the harness of ``benchmarks._child``,
with participant clients: confclient and the official SDKs' participant listings; the raw
floor is ``_child``'s, pointed at the participant list by the spec).

Every client consumes participants the same way: count them and sum ``hash(id)``.
"""

from __future__ import annotations

from . import _child

_MASK = (1 << 64) - 1


class _Confclient(_child._Confclient):
    async def listing(self) -> tuple[int, int]:
        count = total = 0
        async for p in self.svc.participants(self.spec["conference"], page_size=self.page_size):
            count += 1
            total += hash(p.id)
        return count, total & _MASK


class _TelnyxSDK(_child._TelnyxSDK):
    async def listing(self) -> tuple[int, int]:
        count = total = 0
        # The SDK's auto-pagination: page[number] one after another until meta.total_pages.
        pages = self.conferences.list_participants(
            self.spec["conference"], region=self.region, page_size=self.page_size
        )
        async for p in pages:
            count += 1
            total += hash(p.id)
        return count, total & _MASK


class _TwilioSDK(_child._TwilioSDK):
    async def listing(self) -> tuple[int, int]:
        count = total = 0
        participants = self.conferences(self.spec["conference"]).conference_participants
        async for p in await participants.stream_async(page_size=self.page_size):
            count += 1
            total += hash(p.participant_sid)
        return count, total & _MASK


if __name__ == "__main__":
    _child.CLIENTS.update(
        {"confclient": _Confclient, "telnyx-sdk": _TelnyxSDK, "twilio-sdk": _TwilioSDK}
    )
    _child.main()

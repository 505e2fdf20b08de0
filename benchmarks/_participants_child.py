"""One client listing one conference's participants, in a fresh interpreter:
``python -m benchmarks._participants_child SPEC_JSON`` (the harness of ``benchmarks._child``,
with participant clients: confclient, the official SDKs' participant listings, the raw floor).

Every client consumes participants the same way: count them and sum ``hash(id)``.
"""

from __future__ import annotations

from typing import Any

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


class _Raw(_child._Raw):
    async def _telnyx(self) -> tuple[int, int]:
        count = total = 0
        url = f"{self.root}/v2/conferences/{self.spec['conference']}/participants"
        number, total_pages = 1, 1
        while number <= total_pages:
            params = {
                "region": self.region,
                "page[size]": str(self.page_size),
                "page[number]": str(number),
            }
            page = await self._get(url, params)
            for record in page["data"]:
                count += 1
                total += hash(record["id"])
            total_pages = page["meta"]["total_pages"]
            number += 1
        return count, total & _MASK

    async def _twilio(self) -> tuple[int, int]:
        count = total = 0
        url: str | None = f"{self.root}/v1/Conferences/{self.spec['conference']}/Participants"
        params: dict[str, str] | None = {"PageSize": str(self.page_size)}
        while url:
            page: Any = await self._get(url, params)
            for record in page["participants"]:
                count += 1
                total += hash(record["participant_sid"])
            url, params = page["meta"]["next_page_url"], None
        return count, total & _MASK


if __name__ == "__main__":
    _child.CLIENTS.update(
        {"confclient": _Confclient, "telnyx-sdk": _TelnyxSDK, "twilio-sdk": _TwilioSDK, "raw": _Raw}
    )
    _child.main()

"""Where a 0 ms listing's CPU goes, part by part, in one process (run by hand).

    python benchmarks/cpu_split.py [--provider telnyx] [--rounds 15]

At 0 ms per request a listing is bound by the client's CPU, so this measures CPU time
(``time.process_time``), not wall time. It lists one region of 10,000 records from a sandbox
in its own process, once as shipped and then with one part taken out at a time (monkeypatched
in this process only, alternating listing by listing so that a busy machine slows all alike):

* without building the item (the decoder checks every field, then returns one prepared item);
* without decoding at all (every record "decodes" to one prepared item);
* without the memory budget's count of a body's values, without redaction of echoed
  secrets, without the page guard's repeat and progress checks, and without all three;

beside the raw floor's loop (aiohttp + orjson, pages one after another: its CPU and its wall
time). The differences with the listing as shipped are what each part costs. Telnyx pages
are typed by msgspec when it is installed (the ``speed`` extra); ``--json-path`` measures
them the JSON way.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import importlib
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import aiohttp
import attrs
import orjson
from _sandbox_process import connect, credentials, sandbox_process

import confclient._page_guard as page_guard
import confclient._response as response
import confclient._secrets as secrets
from confclient._typed import TypedPages

CASES = {
    "telnyx": ("confclient_telnyx.records", "US", 250),
    "twilio": ("confclient_twilio.records", "us1", 1000),
}


@contextmanager
def _patched(target: Any, name: str, value: Any) -> Iterator[None]:
    original = getattr(target, name)
    # A RecordCodec is a frozen attrs instance: set around its __setattr__.
    assign = object.__setattr__ if attrs.has(type(target)) else setattr
    assign(target, name, value)
    try:
        yield
    finally:
        assign(target, name, original)


def _variants(
    provider: str, prepared: Any
) -> dict[str, Callable[[], AbstractContextManager[None]]]:
    records = importlib.import_module(CASES[provider][0])
    pages = importlib.import_module(CASES[provider][0].replace("records", "pages"))
    codec = records.CONFERENCES

    @contextmanager
    def without_decoding() -> Iterator[None]:
        # Both fast decoders: the JSON path's and, where the adapter has one, the typed one.
        with _patched(codec, "fast", lambda record, region: prepared):
            if hasattr(pages, "decode_typed"):
                with _patched(pages, "decode_typed", lambda record, context: prepared):
                    yield
            else:
                yield

    @contextmanager
    def without_guarantees() -> Iterator[None]:
        with (
            _patched(response, "parsed_size_estimate", lambda body: 1000),
            _patched(secrets.Redactor, "raw", lambda self, body: body),
            _patched(page_guard.PageGuard, "check", lambda self, items, **kw: frozenset()),
        ):
            yield

    return {
        "as shipped": nullcontext,
        "without building the item": lambda: _patched(records, "_build", lambda *a: prepared),
        "without decoding": without_decoding,
        "without counting values (budget)": lambda: _patched(
            response, "parsed_size_estimate", lambda body: 1000
        ),
        "without redaction": lambda: _patched(secrets.Redactor, "raw", lambda self, body: body),
        "without the page guard": lambda: _patched(
            page_guard.PageGuard, "check", lambda self, items, **kw: frozenset()
        ),
        "without those three": without_guarantees,
    }


async def _cpu_of_listing(svc: Any, region: str, page_size: int) -> float:
    started = time.process_time()
    async for item in svc.list(region=region, page_size=page_size):
        hash(item.id)
    return time.process_time() - started


async def _floor(root: str, provider: str, region: str, page_size: int) -> tuple[float, float]:
    creds = credentials()
    if provider == "telnyx":
        authorization = f"Bearer {creds['telnyx_api_key']}"
    else:
        pair = f"{creds['twilio_account_sid']}:{creds['twilio_auth_token']}"
        authorization = f"Basic {base64.b64encode(pair.encode()).decode()}"
    async with aiohttp.ClientSession(headers={"Authorization": authorization}) as session:
        wall, cpu = time.perf_counter(), time.process_time()
        if provider == "telnyx":
            number, total = 1, 1
            while number <= total:
                params = {"region": region, "page[size]": str(page_size), "page[number]": number}
                async with session.get(f"{root}/v2/conferences", params=params) as resp:
                    page = orjson.loads(await resp.read())
                for record in page["data"]:
                    hash(record["id"])
                total, number = page["meta"]["total_pages"], number + 1
        else:
            url: str | None = f"{root}/v1/Conferences?MixerRegion={region}&PageSize={page_size}"
            while url:
                async with session.get(url) as resp:
                    page = orjson.loads(await resp.read())
                for record in page["conferences"]:
                    hash(record["conference_sid"])
                url = page["meta"].get("next_page_url")
        return time.process_time() - cpu, time.perf_counter() - wall


async def _measure(root: str, provider: str, rounds: int) -> None:
    _, region, page_size = CASES[provider]
    async with connect(provider, root) as svc:
        prepared = await svc.list(region=region, page_size=1, limit=1).collect()
        variants = _variants(provider, prepared[0])
        for _ in range(2):
            await _cpu_of_listing(svc, region, page_size)
            await _floor(root, provider, region, page_size)
        cpu: dict[str, list[float]] = {name: [] for name in variants}
        floor_cpu: list[float] = []
        floor_wall: list[float] = []
        for round_number in range(rounds):
            names = list(variants) if round_number % 2 else list(reversed(variants))
            for name in names:
                with variants[name]():
                    cpu[name].append(await _cpu_of_listing(svc, region, page_size))
            spent, waited = await _floor(root, provider, region, page_size)
            floor_cpu.append(spent)
            floor_wall.append(waited)
    shipped = statistics.median(cpu["as shipped"])
    print(f"{provider}: CPU of a listing of 10,000 records at 0 ms, median of {rounds}")
    for name, times in cpu.items():
        median = statistics.median(times)
        part = "" if name == "as shipped" else f"  (the part: {(shipped - median) * 1e3:.1f} ms)"
        print(f"  {name:<34} {median * 1e3:6.1f} ms{part}")
    print(
        f"  {'raw floor':<34} {statistics.median(floor_cpu) * 1e3:6.1f} ms of CPU, "
        f"{statistics.median(floor_wall) * 1e3:.1f} ms of wall time"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python benchmarks/cpu_split.py")
    parser.add_argument("--provider", choices=sorted(CASES), default="telnyx")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--json-path",
        action="store_true",
        help="switch the typed pages (the speed extra) off: every page goes the JSON way",
    )
    args = parser.parse_args()
    if args.json_path:
        records = importlib.import_module(CASES[args.provider][0])
        for typed in vars(records).values():
            if isinstance(typed, TypedPages):
                typed.enabled = False
    with sandbox_process(10_000, 0) as root:
        asyncio.run(_measure(root, args.provider, args.rounds))


if __name__ == "__main__":
    main()

"""The events case: verifying and parsing webhooks, and receiving them over HTTP.

    python -m benchmarks.events                      # 10,000 deliveries per provider
    python -m benchmarks --cases events              # the same, from the main runner

1. **Verify + parse**: ``--deliveries`` signed deliveries per provider, made by the sandbox's
   emulators (the provider's own order and shapes), checked one by one in this process by
   confclient's verifier (``verify``: signature, then the ``ConferenceEvent``), by the official
   SDK's own check plus the decoding a user then needs (Twilio
   ``RequestValidator.validate`` over the parsed form; the telnyx SDK's Ed25519
   ``verify_webhook_signature`` plus ``json.loads``) and by a raw floor (the bare signature
   primitive: an Ed25519 check by libsodium when PyNaCl is installed, else ``cryptography``;
   one HMAC-SHA1 and a constant-time compare). The
   clients take turns, ``--rounds`` times; each reports its median.
2. **Receive**: confclient's ``aiohttp_handler`` with ``MemoryDedupe`` served in a child
   process on loopback, ``--handler-deliveries`` unique signed deliveries posted by this one
   (``--concurrency`` at once), in deliveries per second (every answer must be 200).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from confclient.sandbox import Sandbox

from ._sandbox_process import _free_port, _wait_for_port

TWILIO_URL = "https://hooks.example.com/hooks/twilio?tenant=7"
TELNYX_URL = "https://hooks.example.com/hooks/telnyx"
PROVIDERS = ("telnyx", "twilio")
Delivery = tuple[dict[str, str], bytes, str]


def make_deliveries(provider: str, count: int, seed: int = 0) -> tuple[list[Delivery], Any]:
    """``count`` deliveries signed now by the sandbox (whole conferences, in order), and the
    sandbox (its keys)."""
    import random

    sb = Sandbox(seed=seed, size=1, providers=[provider])
    emulator: Any = sb.emulator(provider)
    url = TELNYX_URL if provider == "telnyx" else TWILIO_URL
    rng = random.Random(seed)
    deliveries: list[Delivery] = []
    while len(deliveries) < count:
        for step in emulator.conference_script(5, rng).steps:
            body = step.delivery.body
            headers = {"Content-Type": step.delivery.content_type}
            headers.update(emulator.sign_webhook(url, body))
            deliveries.append((headers, body, url))
    return deliveries[:count], sb


def _checkers(provider: str, sb: Any) -> dict[str, Callable[[Delivery], object]]:
    """The clients of the verify + parse case: each checks one delivery (raising if refused)."""
    verifier = sb.webhook_verifier(provider)

    def ours(delivery: Delivery) -> object:
        headers, body, url = delivery
        return verifier.verify(headers, body, url=url)

    checkers: dict[str, Callable[[Delivery], object]] = {"confclient": ours}
    if provider == "telnyx":
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        public_key = sb.telnyx_public_key
        raw = base64.b64decode(public_key)
        check_signature: Callable[[bytes, bytes], object]
        try:  # the floor is the fastest primitive installed: libsodium when PyNaCl is there
            from nacl.signing import VerifyKey

            sodium = VerifyKey(raw)
            check_signature = lambda signature, data: sodium.verify(data, signature)  # noqa: E731
        except ImportError:
            check_signature = Ed25519PublicKey.from_public_bytes(raw).verify
        try:
            from telnyx.lib.webhook_verification import verify_webhook_signature
        except ImportError:
            verify_webhook_signature = None
        if verify_webhook_signature is not None:

            def sdk(delivery: Delivery) -> object:
                headers, body, _url = delivery
                verify_webhook_signature(body, headers, public_key)
                return json.loads(body)

            checkers["telnyx SDK"] = sdk

        def floor(delivery: Delivery) -> object:
            headers, body, _url = delivery
            stamp = headers["telnyx-timestamp"]
            signature = base64.b64decode(headers["telnyx-signature-ed25519"])
            check_signature(signature, stamp.encode() + b"|" + body)
            return None

        checkers["raw floor"] = floor
        return checkers
    token = sb.twilio_auth_token
    try:
        from twilio.request_validator import RequestValidator
    except ImportError:
        RequestValidator = None
    if RequestValidator is not None:
        validator = RequestValidator(token)

        def sdk(delivery: Delivery) -> object:
            headers, body, url = delivery
            params = dict(parse_qsl(body.decode(), keep_blank_values=True))
            if not validator.validate(url, params, headers["X-Twilio-Signature"]):
                raise AssertionError("the twilio SDK refused a delivery")
            return params

        checkers["twilio SDK"] = sdk
    key = token.encode()

    def floor(delivery: Delivery) -> object:
        headers, body, url = delivery
        pairs = sorted(parse_qsl(body.decode(), keep_blank_values=True))
        text = url + "".join(name + value for name, value in pairs)
        expected = base64.b64encode(hmac.new(key, text.encode(), hashlib.sha1).digest())
        if not hmac.compare_digest(expected, headers["X-Twilio-Signature"].encode()):
            raise AssertionError("the floor refused a delivery")
        return None

    checkers["raw floor"] = floor
    return checkers


def verify_case(provider: str, count: int, rounds: int, seed: int = 0) -> dict[str, float]:
    """Median seconds per client to check ``count`` deliveries, the clients taking turns."""
    deliveries, sb = make_deliveries(provider, count, seed)
    checkers = _checkers(provider, sb)
    times: dict[str, list[float]] = {name: [] for name in checkers}
    for check in checkers.values():  # warm-up, and every client accepts every delivery
        for delivery in deliveries[:200]:
            check(delivery)
    for round_number in range(rounds):
        names = list(checkers)
        names = names[round_number % len(names) :] + names[: round_number % len(names)]
        for name in names:
            check = checkers[name]
            started = time.perf_counter()
            for delivery in deliveries:
                check(delivery)
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(samples) for name, samples in times.items()}


async def _post_all(url: str, deliveries: list[Delivery], concurrency: int) -> float:
    import aiohttp

    queue = list(reversed(deliveries))
    statuses: dict[int, int] = {}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            while queue:
                headers, body, _url = queue.pop()
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    statuses[response.status] = statuses.get(response.status, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    if set(statuses) != {200}:
        raise RuntimeError(f"the handler answered {statuses}")
    return elapsed


def handler_case(count: int, concurrency: int, seed: int = 0) -> float:
    """Deliveries per second through ``aiohttp_handler`` + ``MemoryDedupe`` (Telnyx: every
    delivery an Ed25519 check), the server in a child process on loopback."""
    port = _free_port()
    deliveries, sb = make_deliveries("telnyx", count, seed)
    url = f"http://127.0.0.1:{port}/hooks/telnyx"
    command = [
        sys.executable,
        "-m",
        "benchmarks.events",
        "--serve",
        str(port),
        "--public-key",
        sb.telnyx_public_key,
    ]
    proc = subprocess.Popen(command, cwd=Path(__file__).resolve().parent.parent)
    try:
        _wait_for_port(proc, port)  # type: ignore[arg-type]
        asyncio.run(_post_all(url, deliveries[:200], concurrency))  # warm-up (then duplicates)
        elapsed = asyncio.run(_post_all(url, deliveries[200:], concurrency))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return (len(deliveries) - 200) / elapsed


def _serve(port: int, public_key: str) -> None:
    """The child process of :func:`handler_case`."""
    from aiohttp import web

    import confclient
    from confclient.events import MemoryDedupe, aiohttp_handler

    async def on_event(event: confclient.ConferenceEvent) -> None:
        return None

    verifier = confclient.webhook_verifier("telnyx", public_key=public_key)
    app = web.Application()
    app.router.add_post("/hooks/telnyx", aiohttp_handler(verifier, on_event, dedupe=MemoryDedupe()))
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def run(deliveries: int, rounds: int, handler_deliveries: int, concurrency: int) -> dict[str, Any]:
    """Both parts; prints each figure as it comes and returns them all."""
    results: dict[str, Any] = {"deliveries": deliveries, "verify": {}}
    for provider in PROVIDERS:
        medians = verify_case(provider, deliveries, rounds)
        results["verify"][provider] = medians
        ours = medians["confclient"]
        for name, seconds in medians.items():
            print(
                f"  events {provider:<6} verify+parse {name:<11} {seconds:7.3f} s"
                f"  {deliveries / seconds:>9,.0f} /s  x{seconds / ours:.2f} of confclient's time",
                flush=True,
            )
    rate = handler_case(handler_deliveries, concurrency)
    results["handler"] = {
        "deliveries": handler_deliveries - 200,
        "concurrency": concurrency,
        "per_s": rate,
    }
    print(f"  events aiohttp_handler + MemoryDedupe (telnyx): {rate:,.0f} deliveries/s", flush=True)
    return results


def render(results: dict[str, Any], command: str) -> str:
    """The events section of RESULTS.md."""
    lines = [
        "## Events: verify + parse, and the aiohttp handler",
        "",
        f"`{command}`: {results['deliveries']:,} signed deliveries per provider (the "
        "sandbox's conferences), checked one by one; median of the rounds. Time relative to "
        "confclient's (above 1: slower than confclient).",
        "",
        "| provider | client | seconds | deliveries/s | time vs confclient |",
        "|---|---|---:|---:|---:|",
    ]
    for provider, medians in results["verify"].items():
        ours = medians["confclient"]
        for name, seconds in medians.items():
            lines.append(
                f"| {provider} | {name} | {seconds:.3f} | {results['deliveries'] / seconds:,.0f}"
                f" | x{seconds / ours:.2f} |"
            )
    handler = results["handler"]
    lines += [
        "",
        f"`aiohttp_handler` with `MemoryDedupe`, served in its own process on loopback: "
        f"{handler['per_s']:,.0f} deliveries/s ({handler['deliveries']:,} unique Telnyx "
        f"deliveries, {handler['concurrency']} at once, each an Ed25519 check).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.events", description=__doc__)
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--handler-deliveries", type=int, default=5_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--out", type=Path, help="write events.json and events.md there")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--public-key", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        _serve(args.serve, args.public_key)
        return
    command = "python -m benchmarks.events" + "".join(f" {a}" for a in (argv or sys.argv[1:]))
    results = run(args.deliveries, args.rounds, args.handler_deliveries, args.concurrency)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "events.json").write_text(json.dumps(results, indent=1) + "\n")
        (args.out / "events.md").write_text(render(results, command))


if __name__ == "__main__":
    main()

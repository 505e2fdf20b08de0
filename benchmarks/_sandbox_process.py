"""Shared by the benchmark scripts: the sandbox in its own process, and services wired to it."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import confclient
from confclient.sandbox import Sandbox


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def sandbox_process(size: int, latency_ms: float, seed: int = 0) -> Iterator[str]:
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "confclient",
        "sandbox",
        "--port",
        str(port),
        "--size",
        str(size),
        "--seed",
        str(seed),
        "--latency-ms",
        str(latency_ms),
    ]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("twilio"):
                break
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)


def connect(
    provider: str, root: str, seed: int = 0, **options: Any
) -> confclient.ConferenceService:
    """A service for the sandbox at ``root`` (credentials derive from the seed, as there)."""
    creds = Sandbox(seed=seed, size=1)
    if provider == "telnyx":
        return confclient.connect(
            "telnyx", api_key=creds.telnyx_api_key, base_url=f"{root}/v2", **options
        )
    return confclient.connect(
        "twilio",
        account_sid=creds.twilio_account_sid,
        auth_token=creds.twilio_auth_token,
        base_url=f"{root}/v1",
        **options,
    )

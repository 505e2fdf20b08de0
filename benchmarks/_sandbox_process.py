"""Shared by the benchmarks: the sandbox in its own process, and services wired to it.

The server is ``python -m confclient.sandbox`` on a free port; readiness is the port accepting
connections (nothing depends on what the sandbox prints).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import confclient
from confclient.sandbox import Sandbox

_START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_port(proc: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the sandbox exited with status {proc.returncode} on startup")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the sandbox did not listen on port {port}") from None
            time.sleep(0.05)


@contextmanager
def sandbox_process(size: int, latency_ms: float, seed: int = 0) -> Iterator[str]:
    """Serve a sandbox (``size`` records per region) in a child process; yields its root URL."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "confclient.sandbox",
        "--port",
        str(port),
        "--size",
        str(size),
        "--seed",
        str(seed),
        "--latency-ms",
        str(latency_ms),
    ]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        _wait_for_port(proc, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def credentials(seed: int = 0) -> dict[str, str]:
    """The test credentials of a sandbox started with ``seed``."""
    creds = Sandbox(seed=seed, size=0)
    return {
        "telnyx_api_key": creds.telnyx_api_key,
        "twilio_account_sid": creds.twilio_account_sid,
        "twilio_auth_token": creds.twilio_auth_token,
    }


def connect(
    provider: str, root: str, seed: int = 0, **options: Any
) -> confclient.ConferenceService:
    """A service for the sandbox at ``root`` (credentials derive from the seed, as there)."""
    creds = credentials(seed)
    if provider == "telnyx":
        return confclient.connect(
            "telnyx", api_key=creds["telnyx_api_key"], base_url=f"{root}/v2", **options
        )
    return confclient.connect(
        "twilio",
        account_sid=creds["twilio_account_sid"],
        auth_token=creds["twilio_auth_token"],
        base_url=f"{root}/v1",
        **options,
    )

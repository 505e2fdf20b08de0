"""Fixtures shared by the core tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def config_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No configuration file or variable but the test's own: the variables confclient and
    its providers read are unset, XDG_CONFIG_HOME and the working directory are fresh.
    Returns the working directory (where ./confclient.toml goes)."""
    for name in list(os.environ):
        if name.startswith(("CONFCLIENT_", "FAKE_", "TELNYX_", "TWILIO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work

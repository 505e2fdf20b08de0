"""The public surface of ``confclient``: what ``__init__`` exports is a contract."""

from __future__ import annotations

import importlib.resources
import subprocess
import sys

import confclient

# The contract. Adding a name is a deliberate change: update this list with it.
EXPECTED_ALL = [
    "APIError",
    "AuthenticationError",
    "BaseConferenceService",
    "Capability",
    "ConfClientError",
    "Conference",
    "ConferenceEvent",
    "ConferenceService",
    "ConferenceStatus",
    "ConfigurationError",
    "DecodeError",
    "EndReason",
    "ErrorDetail",
    "ErrorSource",
    "EventType",
    "FanOut",
    "FanOutError",
    "InvalidRequestError",
    "ListQuery",
    "NotFoundError",
    "Page",
    "Pager",
    "Participant",
    "ParticipantQuery",
    "ParticipantStatus",
    "RateLimitError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "ServerError",
    "Timeout",
    "TransportError",
    "TransportTimeoutError",
    "UnsafeRedirectError",
    "UnsupportedFilterError",
    "UnsupportedOperationError",
    "ValidationError",
    "WebhookSignatureError",
    "WebhookVerifier",
    "__version__",
    "available_providers",
    "connect",
    "connect_from_env",
    "fan_out",
    "load_provider",
    "merge",
    "register_provider",
    "unregister_provider",
    "webhook_verifier",
]


def test_all_is_pinned() -> None:
    assert list(confclient.__all__) == EXPECTED_ALL


def test_all_is_sorted_without_duplicates() -> None:
    assert list(confclient.__all__) == sorted(confclient.__all__)
    assert len(set(confclient.__all__)) == len(confclient.__all__)


def test_every_exported_name_resolves() -> None:
    missing = [name for name in confclient.__all__ if not hasattr(confclient, name)]
    assert missing == []


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from confclient import *", namespace)
    namespace.pop("__builtins__")
    assert sorted(namespace) == sorted(EXPECTED_ALL)


def test_public_callables_and_classes_have_docstrings() -> None:
    undocumented = [
        name
        for name in confclient.__all__
        if callable(getattr(confclient, name)) and not getattr(confclient, name).__doc__
    ]
    assert undocumented == []


def test_version_is_a_non_empty_string() -> None:
    assert isinstance(confclient.__version__, str)
    assert confclient.__version__.strip()


def test_package_ships_py_typed() -> None:
    assert importlib.resources.files("confclient").joinpath("py.typed").is_file()


def test_import_confclient_loads_no_submodule_until_used() -> None:
    """``import confclient`` is cheap (the pytest plugin imports it in every test run); the
    public names load on first use."""
    code = (
        "import sys, confclient\n"
        "assert 'aiohttp' not in sys.modules and 'confclient.transport' not in sys.modules\n"
        "confclient.Conference\n"
        "assert 'confclient.model' in sys.modules\n"
        "assert 'confclient.transport' not in sys.modules\n"
        "assert 'Conference' in dir(confclient)\n"
        "try:\n"
        "    confclient.nope\n"
        "except AttributeError:\n"
        "    pass\n"
        "else:\n"
        "    raise SystemExit('no AttributeError')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

"""Finding providers by name, and making connected services.

Providers are found lazily, in this order:

1. :func:`register_provider` at run time;
2. the built-in table (``"module:Class"`` strings: nothing is imported until it is asked for);
3. the entry-point group ``confclient.providers``, so another package can add a provider
   without touching the core.

A name defined twice with different targets is an error, never a silent overwrite.
"""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from types import MappingProxyType
from typing import Any

from .errors import ConfigurationError
from .service import ConferenceService

__all__ = [
    "ENTRY_POINT_GROUP",
    "available_providers",
    "connect",
    "connect_from_env",
    "load_provider",
    "register_provider",
]

ENTRY_POINT_GROUP = "confclient.providers"

ProviderFactory = Callable[..., ConferenceService]

# The only place the core names providers: as import strings, never imported up front.
_BUILTIN: Mapping[str, str] = MappingProxyType(
    {
        "telnyx": "confclient_telnyx:TelnyxConferenceService",
        "twilio": "confclient_twilio:TwilioInsightsConferenceService",
    }
)
_INSTALL_HINTS: Mapping[str, str] = MappingProxyType(
    {
        "confclient_telnyx": "it ships with confclient; reinstall it: pip install confclient",
        "confclient_twilio": "it ships with confclient; reinstall it: pip install confclient",
    }
)

_registered: dict[str, ProviderFactory | str] = {}


def _target_name(target: ProviderFactory | str) -> str:
    if isinstance(target, str):
        return target
    module = getattr(target, "__module__", "?")
    return f"{module}:{getattr(target, '__qualname__', repr(target))}"


def _same_target(a: ProviderFactory | str, b: ProviderFactory | str) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if isinstance(a, str) or isinstance(b, str):
        # A string and a callable: the same when the string loads that very callable
        # (``"confclient_telnyx:TelnyxConferenceService"`` is the class itself).
        text, other = (a, b) if isinstance(a, str) else (b, a)
        assert isinstance(text, str)
        try:
            return _import_target(text) is other
        except Exception:
            return False
    # Two different callables can share a module:qualname (closures, lambdas).
    return a == b


def _import_target(target: str) -> Any:
    module_name, _, attribute = target.partition(":")
    loaded: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        loaded = getattr(loaded, part)
    return loaded


def _entry_point_targets() -> dict[str, str]:
    found: dict[str, str] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        previous = found.get(ep.name)
        if previous is not None and previous != ep.value:
            raise ConfigurationError(
                f"provider {ep.name!r} is defined twice by entry points: "
                f"{previous!r} and {ep.value!r}"
            )
        found[ep.name] = ep.value
    return found


def _all_targets() -> dict[str, ProviderFactory | str]:
    targets: dict[str, ProviderFactory | str] = {}
    for name, value in _entry_point_targets().items():
        builtin = _BUILTIN.get(name)
        if builtin is not None and builtin != value:
            raise ConfigurationError(
                f"provider {name!r} is built in as {builtin!r} but an installed package's entry "
                f"point defines it as {value!r}; uninstall one of them"
            )
        targets[name] = value
    targets.update(_BUILTIN)
    targets.update(_registered)
    return targets


def available_providers() -> Mapping[str, str]:
    """A read-only view ``name -> "module:target"`` of every provider that can be loaded."""
    return MappingProxyType({n: _target_name(t) for n, t in sorted(_all_targets().items())})


def register_provider(name: str, factory: ProviderFactory | str, *, replace: bool = False) -> None:
    """Make ``name`` a provider: ``factory`` is a callable (usually the service class) or a
    ``"module:attribute"`` string loaded on first use.

    Registering a name that already exists with a different target raises
    :class:`ConfigurationError` unless ``replace=True``.

    >>> register_provider("acme", "acme_confclient:AcmeConferenceService")  # doctest: +SKIP
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ConfigurationError(f"provider name must be an identifier-like string, got {name!r}")
    if not (callable(factory) or (isinstance(factory, str) and ":" in factory)):
        raise ConfigurationError(
            f"factory must be a callable or a 'module:attribute' string, got {factory!r}"
        )
    if not replace:
        existing = _registered.get(name) or _BUILTIN.get(name) or _entry_point_targets().get(name)
        if existing is not None and not _same_target(existing, factory):
            raise ConfigurationError(
                f"provider {name!r} is already defined as {_target_name(existing)!r}; "
                f"pass replace=True to replace it with {_target_name(factory)!r}"
            )
    _registered[name] = factory


def unregister_provider(name: str) -> None:
    """Forget a provider added with :func:`register_provider` (built-ins stay)."""
    _registered.pop(name, None)


def load_provider(name: str) -> ProviderFactory:
    """The factory for provider ``name``; :class:`ConfigurationError` lists the known ones."""
    if not isinstance(name, str):
        raise ConfigurationError(f"provider must be a string, got {name!r}")
    targets = _all_targets()
    target = targets.get(name)
    if target is None:
        known = ", ".join(sorted(targets)) or "none"
        raise ConfigurationError(f"unknown provider {name!r}; available providers: {known}")
    if not isinstance(target, str):
        return target
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # ImportError, or a module that fails while importing
        hint = _INSTALL_HINTS.get(module_name, f"install the package that provides {module_name}")
        raise ConfigurationError(
            f"provider {name!r} needs module {module_name!r}, which failed to import ({exc}); "
            f"{hint}"
        ) from exc
    try:
        factory: Any = module
        for part in attribute.split("."):
            factory = getattr(factory, part)
    except AttributeError:
        raise ConfigurationError(
            f"provider {name!r}: {module_name!r} has no attribute {attribute!r}"
        ) from None
    if not callable(factory):
        raise ConfigurationError(f"provider {name!r}: {target!r} is not callable")
    return factory  # type: ignore[no-any-return]


def _make(name: str, options: Mapping[str, Any]) -> ConferenceService:
    factory = load_provider(name)
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        signature = None
    if signature is not None:
        try:
            signature.bind(**options)
        except TypeError as exc:
            accepted = [
                p.name
                for p in signature.parameters.values()
                if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
            raise ConfigurationError(
                f"provider {name!r}: {exc}; it accepts: {', '.join(accepted)}"
            ) from None
    return factory(**options)


def connect(provider: str | Mapping[str, Any], /, **options: Any) -> ConferenceService:
    """A service for ``provider``, configured by ``options``.

    ``provider`` is a name (``"telnyx"``) or a mapping holding ``"provider"`` and options
    (explicit keyword options win over the mapping's).

    >>> svc = confclient.connect("telnyx", api_key=KEY)                 # doctest: +SKIP
    >>> svc = confclient.connect({"provider": "twilio", "account_sid": "AC…",
    ...                           "auth_token": "…"})                    # doctest: +SKIP
    """
    if isinstance(provider, Mapping):
        merged = dict(provider)
        name = merged.pop("provider", None)
        if name is None:
            raise ConfigurationError("the configuration mapping has no 'provider' key")
        merged.update(options)
        options = merged
    else:
        name = provider
    return _make(name, options)


def connect_from_env(
    provider: str | None = None, *, env: Mapping[str, str] | None = None, **options: Any
) -> ConferenceService:
    """A service configured from environment variables.

    ``CONFCLIENT_PROVIDER`` names the provider (unless ``provider`` is given); the adapter
    reads its own variables (``TELNYX_API_KEY``, ``TELNYX_BASE_URL``, ``TWILIO_ACCOUNT_SID``,
    ...). Explicit keyword ``options`` win over the environment.
    """
    environ = os.environ if env is None else env
    name = provider or environ.get("CONFCLIENT_PROVIDER")
    if not name:
        known = ", ".join(sorted(_all_targets()))
        raise ConfigurationError(
            f"no provider: set CONFCLIENT_PROVIDER (one of {known}) or pass provider="
        )
    factory = load_provider(name)
    from_env = getattr(factory, "options_from_env", None)
    merged: dict[str, Any] = dict(from_env(environ)) if callable(from_env) else {}
    merged.update(options)
    return _make(name, merged)

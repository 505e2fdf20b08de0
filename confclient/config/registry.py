"""Providers by name: the built-in table, run-time registrations and entry points.

Providers are found lazily, in this order:

1. :func:`register_provider` at run time;
2. the built-in table (``"module:Class"`` strings: nothing is imported until it is asked for);
3. the entry-point group ``confclient.providers``, so another package can add a provider
   without touching the core.

A name defined twice with different targets is an error, never a silent overwrite. The
built-in table below is the only place the core names providers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from types import MappingProxyType
from typing import Any

from confclient.errors import ConfigurationError
from confclient.service import ConferenceService

__all__ = [
    "ENTRY_POINT_GROUP",
    "ProviderFactory",
    "available_providers",
    "load_provider",
    "load_provider_part",
    "register_provider",
    "unregister_provider",
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
        "confclient_telnyx": "it ships with confclient; reinstall confclient from its checkout: "
        "pip install .",
        "confclient_twilio": "it ships with confclient; reinstall confclient from its checkout: "
        "pip install .",
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


def load_provider_part(provider: str, attribute: str, factory: object | None = None) -> Any:
    """What provider ``provider``'s factory names in ``attribute`` as a lazy
    ``"module:Class"`` string (its ``emulator``, its ``webhooks`` verifier), loaded; ``None``
    when it names none. ``factory``: the provider's, when already loaded.

    Raises :class:`ConfigurationError` when the provider, or the part it names, cannot be
    loaded.
    """
    if factory is None:
        factory = load_provider(provider)
    target = getattr(factory, attribute, None)
    if target is None:
        return None
    if not isinstance(target, str) or ":" not in target:
        raise ConfigurationError(
            f"provider {provider!r}: {attribute} must be a 'module:Class' string, got {target!r}"
        )
    try:
        return _import_target(target)
    except Exception as exc:  # ImportError, AttributeError, a module failing while importing
        raise ConfigurationError(
            f"provider {provider!r}: its {attribute} {target!r} failed to load ({exc})"
        ) from exc

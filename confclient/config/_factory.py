"""What a provider's factory takes, read from its signature and its ``regions``, and making
a service from options checked against it.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Mapping
from typing import Any

from confclient.errors import ConfigurationError
from confclient.service import ConferenceService

from ._names import did_you_mean
from .registry import ProviderFactory, load_provider, load_provider_part

__all__ = [
    "accepted_options",
    "check_region",
    "make_service",
    "verifier_class",
    "verifier_options",
]


def make_service(name: str, options: Mapping[str, Any]) -> ConferenceService:
    """The service provider ``name`` makes from ``options``. An option it does not take, or
    one it needs and lacks, is a :class:`ConfigurationError` listing what it accepts, raised
    before the factory runs."""
    factory = load_provider(name)
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        signature = None
    if signature is not None:
        accepted = _keyword_names(signature, factory)
        unknown = [] if accepted is None else [o for o in options if o not in accepted]
        try:
            if unknown:
                raise TypeError(
                    f"takes no option {unknown[0]!r}{did_you_mean(unknown[0], accepted or ())}"
                )
            signature.bind(**options)
        except TypeError as exc:
            raise ConfigurationError(
                f"provider {name!r}: {exc}; it accepts: {', '.join(accepted or ())}"
            ) from None
    return factory(**options)


def _keyword_names(signature: inspect.Signature, factory: Any) -> tuple[str, ...] | None:
    """The options a factory takes by keyword, in order; ``None`` when it takes any
    (``**kwargs``). ``**options: Unpack[SomeTypedDict]`` takes the typed dict's keys: how an
    adapter takes the options every provider shares without listing them."""
    names = [
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    rest = [p for p in signature.parameters.values() if p.kind is p.VAR_KEYWORD]
    if not rest:
        return tuple(names)
    typed = _unpacked_keys(factory, rest[0].name)
    return None if typed is None else (*names, *typed)


def _unpacked_keys(factory: Any, name: str) -> tuple[str, ...] | None:
    """The keys of ``**name: Unpack[TypedDict]`` in ``factory``'s (or its ``__init__``'s)
    annotations; ``None`` for a plain ``**kwargs``."""
    target = factory.__init__ if inspect.isclass(factory) else factory
    try:
        hints = typing.get_type_hints(target, include_extras=True)
    except Exception:  # annotations that do not resolve: say it takes anything
        return None
    hint = hints.get(name)
    if typing.get_origin(hint) is not typing.Unpack:
        return None
    (typed_dict,) = typing.get_args(hint)
    keys = getattr(typed_dict, "__annotations__", None)
    return None if keys is None else tuple(keys)


def accepted_options(factory: Any) -> frozenset[str] | None:
    """Keyword options ``factory`` takes; ``None`` when it takes any (``**kwargs``)."""
    try:
        names = _keyword_names(inspect.signature(factory), factory)
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return None
    return None if names is None else frozenset(names)


def check_region(provider: str, factory: ProviderFactory, region: str, what: str) -> None:
    """``region`` must be one of the provider's (when it lists them), matched like the
    service matches it (case-insensitively); the error starts with ``what``."""
    regions = getattr(factory, "regions", None)
    if not (isinstance(regions, tuple) and regions and all(isinstance(r, str) for r in regions)):
        return  # a provider that does not list its regions checks them itself
    if not any(region.casefold() == known.casefold() for known in regions):
        raise ConfigurationError(
            f"{what} {region!r} is not a region of {provider}{did_you_mean(region, regions)}; "
            f"its regions: {', '.join(regions)}"
        )


def verifier_class(provider: str, factory: object | None = None) -> Any:
    """The webhook verifier class provider ``provider`` names; :class:`ConfigurationError`
    when it names none."""
    cls = load_provider_part(provider, "webhooks", factory)
    if cls is None:
        raise ConfigurationError(f"provider {provider!r} does not verify webhooks")
    return cls


def verifier_options(provider: str, factory: object) -> frozenset[str]:
    """The options of the webhook verifier provider ``provider``'s ``factory`` names (none
    when it names none, or when it cannot be loaded: ``webhook_verifier`` says why). A
    profile may hold them; the service is made without them."""
    if getattr(factory, "webhooks", None) is None:
        return frozenset()
    try:
        cls = verifier_class(provider, factory)
    except ConfigurationError:
        return frozenset()
    return accepted_options(cls) or frozenset()

"""What a provider's factory takes, read from its signature and its ``regions``, and making
a service from options checked against it.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from confclient.errors import ConfigurationError
from confclient.service import ConferenceService

from ._names import did_you_mean
from .registry import ProviderFactory, load_provider

__all__ = ["accepted_options", "check_region", "make_service"]


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
        accepted = _keyword_names(signature)
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


def _keyword_names(signature: inspect.Signature) -> tuple[str, ...] | None:
    """The options a signature takes by keyword, in order; ``None`` with ``**kwargs``."""
    parameters = signature.parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    return tuple(p.name for p in parameters if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))


def accepted_options(factory: ProviderFactory) -> frozenset[str] | None:
    """Keyword options ``factory`` takes; ``None`` when it takes any (``**kwargs``)."""
    try:
        names = _keyword_names(inspect.signature(factory))
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

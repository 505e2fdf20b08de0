"""Finding providers by name, and making connected services.

Providers are found lazily, in this order:

1. :func:`register_provider` at run time;
2. the built-in table (``"module:Class"`` strings: nothing is imported until it is asked for);
3. the entry-point group ``confclient.providers``, so another package can add a provider
   without touching the core.

A name defined twice with different targets is an error, never a silent overwrite.

A configuration is resolved (:func:`resolve_config`) from, strongest first: arguments, the
environment, configuration files (TOML profiles, see :mod:`confclient._profiles`).
:func:`connect` with ``profile=`` and :func:`connect_from_env` share that one loader, and every
reader of the files (``confclient profiles`` too) goes through :func:`load_config`, which checks
each profile against its provider.
"""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from ._profiles import (
    ENV_SUFFIX,
    LOCAL_FILE,
    NOT_IN_FILES,
    PROFILE_ENV,
    REGION_ENV,
    REGION_OPTION,
    Config,
    Profile,
    did_you_mean,
    is_secret_option,
    read_config,
)
from .errors import ConfigurationError
from .service import ConferenceService

__all__ = [
    "ENTRY_POINT_GROUP",
    "Config",
    "Profile",
    "ResolvedConfig",
    "available_providers",
    "check_profile",
    "connect",
    "connect_from_env",
    "load_config",
    "load_provider",
    "register_provider",
    "resolve_config",
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


def _make(name: str, options: Mapping[str, Any]) -> ConferenceService:
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


# -- resolving a configuration: arguments > environment > configuration file -----------------

# How strongly a choice was made: a stronger one overrides a weaker one that disagrees.
_ARGUMENT, _ENVIRONMENT, _FILE = 2, 1, 0


@attrs.frozen
class _Choice:
    value: str
    level: int
    how: str


@attrs.frozen
class ResolvedConfig:
    """A provider and its options, with where each came from; :meth:`connect` makes the service.

    ``sources`` maps each option to ``"argument"``, ``"$VARIABLE"`` or ``"path:line"``.
    ``region`` is the ``default_region`` option as resolved (the profile's ``region``,
    ``$CONFCLIENT_REGION`` or an argument), kept for compatibility: the service applies it.
    ``options`` may hold credentials: it is left out of ``repr``.
    """

    provider: str
    provider_source: str
    options: Mapping[str, Any] = attrs.field(repr=False)
    sources: Mapping[str, str]
    profile: Profile | None = None
    region: str | None = None

    def secrets(self) -> tuple[str, ...]:
        """The credential values among the options (to keep them out of any output)."""
        return tuple(
            value
            for option, value in self.options.items()
            if is_secret_option(option) and isinstance(value, str) and value
        )

    def describe(self) -> str:
        """One line: provider, profile and the source of every option — never a value."""
        parts = [f"provider {self.provider} ({self.provider_source})"]
        if self.profile is not None:
            parts.append(f"profile {self.profile.name} ({self.profile.where})")
        parts.extend(f"{option} from {source}" for option, source in sorted(self.sources.items()))
        return "; ".join(parts)

    def connect(self) -> ConferenceService:
        """The configured service."""
        try:
            return _make(self.provider, self.options)
        except ConfigurationError as exc:
            if self.profile is None:
                raise
            raise ConfigurationError(
                f"{exc} [profile {self.profile.name!r}, {self.profile.where}]",
                provider=exc.provider,
                missing=exc.missing,
            ) from exc


def _keyword_names(signature: inspect.Signature) -> tuple[str, ...] | None:
    """The options a signature takes by keyword, in order; ``None`` with ``**kwargs``."""
    parameters = signature.parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    return tuple(p.name for p in parameters if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))


def _accepted_options(factory: ProviderFactory) -> frozenset[str] | None:
    """Keyword options ``factory`` takes; ``None`` when it takes any (``**kwargs``)."""
    try:
        names = _keyword_names(inspect.signature(factory))
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return None
    return None if names is None else frozenset(names)


def _check_region(provider: str, factory: ProviderFactory, region: str, what: str) -> None:
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


def check_profile(profile: Profile) -> None:
    """Check a profile against its provider, as :func:`load_config` does for every profile.

    The provider must exist (found lazily through the registry), and every key must be one
    it takes: ``provider``, ``region`` (the ``default_region`` option, one of the provider's
    regions), the provider's options that a file can hold, and ``OPTION_env`` for them. A
    :class:`ConfigurationError` names the file, the line, the key and the closest known key.
    """
    try:
        factory = load_provider(profile.provider)
    except ConfigurationError as exc:
        raise ConfigurationError(
            f"{profile.key_where('provider')}: profile {profile.name!r}: {exc}"
        ) from None
    accepted = _accepted_options(factory)
    if accepted is not None:
        takes_region = REGION_OPTION in accepted
        options = sorted(accepted - NOT_IN_FILES - {REGION_OPTION})
        for option in (*profile.options, *profile.env_options):
            if option in options:
                continue
            literal = option in profile.options
            key = option if literal else option + ENV_SUFFIX
            known = (
                ["provider", *(["region"] if takes_region else []), *options]
                if literal
                else [o + ENV_SUFFIX for o in options]
            )
            also = "provider, region" if takes_region else "provider"
            raise ConfigurationError(
                f"{profile.key_where(option)}: unknown key {key!r} in profile "
                f"{profile.name!r}{did_you_mean(key, known)}; provider {profile.provider!r} "
                f"takes {', '.join(options)}; a profile also takes {also}, and "
                'OPTION_env = "VARIABLE" to read an option from the environment'
            )
        if profile.region is not None and not takes_region:
            raise ConfigurationError(
                f"{profile.key_where('region')}: profile {profile.name!r}: provider "
                f"{profile.provider!r} takes no {REGION_OPTION}, so its profiles cannot set region"
            )
    if profile.region is not None:
        _check_region(
            profile.provider,
            factory,
            profile.region,
            f"{profile.key_where('region')}: profile {profile.name!r}: region",
        )


def load_config(
    config_file: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    *,
    cwd: Path | None = None,
) -> Config:
    """Read every configuration file (or only ``config_file``; see
    :func:`confclient._profiles.config_paths`) and check every profile in them with
    :func:`check_profile`: an unknown provider or a key its provider does not take fails
    here, whichever profile is then used.
    """
    config = read_config(config_file, env, cwd=cwd)
    for one_file in config.files:
        for profile in one_file.profiles.values():
            check_profile(profile)
    return config


def _env_source(
    from_env: Callable[..., Mapping[str, Any]], option: str, environ: Mapping[str, str]
) -> str:
    """Which variable gave ``option`` (for messages; the value itself is never shown)."""
    for variable, value in environ.items():
        if variable.isupper() and value:
            try:
                if option in from_env({variable: value}):
                    return f"${variable}"
            except Exception:  # a provider's reader is not ours to trust with odd input
                continue
    return "the environment"


def resolve_config(
    provider: str | None = None,
    *,
    profile: str | None = None,
    config_file: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> ResolvedConfig:
    """Decide the provider and its options from arguments, the environment and config files.

    Precedence, strongest first: arguments (``provider``, ``profile``, ``options``); the
    environment (``CONFCLIENT_PROVIDER`` / ``CONFCLIENT_PROFILE``, the variables a profile
    names with ``OPTION_env``, then the provider's own variables such as ``TELNYX_API_KEY``,
    and ``CONFCLIENT_REGION`` for ``default_region``); the configuration file
    (``default_profile``, a profile's literal values and its ``region``).

    The files' ``default_profile`` is used only when no provider or profile is chosen by
    an argument or the environment. A provider and a profile chosen at the same level must
    agree; at different levels the stronger choice wins (``provider="twilio"`` ignores
    ``CONFCLIENT_PROFILE=eu``). A variable a profile names must be set: a profile never falls
    back to the provider's usual variable, which may hold another account's key.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    given = dict(options or {})
    provider_choice: _Choice | None = None
    if provider:
        provider_choice = _Choice(provider, _ARGUMENT, "argument")
    elif environ.get("CONFCLIENT_PROVIDER"):
        provider_choice = _Choice(
            environ["CONFCLIENT_PROVIDER"], _ENVIRONMENT, "$CONFCLIENT_PROVIDER"
        )
    profile_choice: _Choice | None = None
    if profile:
        profile_choice = _Choice(profile, _ARGUMENT, "argument")
    elif environ.get(PROFILE_ENV):
        profile_choice = _Choice(environ[PROFILE_ENV], _ENVIRONMENT, f"${PROFILE_ENV}")

    config = load_config(config_file, env)
    # default_profile applies only when nothing stronger names a provider or a profile.
    if profile_choice is None and provider_choice is None and config.default_profile is not None:
        name, where = config.default_profile
        profile_choice = _Choice(name, _FILE, f"default_profile at {where}")

    chosen: Profile | None = None
    if profile_choice is not None:
        try:
            chosen = config.profile(profile_choice.value)
        except ConfigurationError as exc:
            if profile_choice.level == _FILE:
                raise ConfigurationError(f"{exc} (asked for by {profile_choice.how})") from None
            raise
        if provider_choice is not None and provider_choice.value != chosen.provider:
            if provider_choice.level == profile_choice.level:
                raise ConfigurationError(
                    f"profile {chosen.name!r} ({chosen.where}) is for {chosen.provider}, but "
                    f"provider {provider_choice.value!r} was asked for too "
                    f"({provider_choice.how}); give one of them"
                )
            if provider_choice.level > profile_choice.level:
                chosen = None
            else:
                provider_choice = None
    if provider_choice is not None:
        name, provider_source = provider_choice.value, provider_choice.how
    elif chosen is not None:
        name = chosen.provider
        how = profile_choice.how if profile_choice is not None else "?"
        provider_source = f"profile {chosen.name}, chosen by {how}"
    else:
        known = ", ".join(sorted(_all_targets()))
        raise ConfigurationError(
            f"no provider: set CONFCLIENT_PROVIDER (one of {known}) or CONFCLIENT_PROFILE, "
            f"pass provider= or profile=, or set default_profile in ./{LOCAL_FILE} or "
            "$XDG_CONFIG_HOME/confclient/config.toml"
        )

    factory = load_provider(name)
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if chosen is not None:
        for option, value in chosen.options.items():
            merged[option] = value
            sources[option] = chosen.key_where(option)
        if chosen.region is not None:
            merged[REGION_OPTION] = chosen.region
            sources[REGION_OPTION] = chosen.key_where("region")
    from_env = getattr(factory, "options_from_env", None)
    if callable(from_env):
        for option, value in dict(from_env(environ)).items():
            if chosen is not None and option in chosen.env_options:
                continue  # the profile names its own variable for this option
            merged[option] = value
            sources[option] = _env_source(from_env, option, environ)
    region = environ.get(REGION_ENV)
    if region and REGION_OPTION not in given:
        accepted = _accepted_options(factory)
        if accepted is not None and REGION_OPTION not in accepted:
            raise ConfigurationError(
                f"${REGION_ENV} is set, but provider {name!r} takes no {REGION_OPTION}"
            )
        _check_region(name, factory, region, f"${REGION_ENV}")
        merged[REGION_OPTION] = region
        sources[REGION_OPTION] = f"${REGION_ENV}"
    if chosen is not None:
        for option, variable in chosen.env_options.items():
            if option in given:
                continue
            value = environ.get(variable)
            if not value:
                raise ConfigurationError(
                    f"{chosen.key_where(option)}: profile {chosen.name!r} reads {option} from "
                    f"${variable}, which is not set"
                )
            merged[option] = value
            sources[option] = f"${variable}"
    for option, value in given.items():
        merged[option] = value
        sources[option] = "argument"
    return ResolvedConfig(
        provider=name,
        provider_source=provider_source,
        options=MappingProxyType(merged),
        sources=MappingProxyType(sources),
        profile=chosen,
        region=merged.get(REGION_OPTION),
    )


def connect(
    provider: str | Mapping[str, Any] | None = None,
    /,
    *,
    profile: str | None = None,
    config_file: str | os.PathLike[str] | None = None,
    **options: Any,
) -> ConferenceService:
    """A service for ``provider``, configured by ``options`` — or by a configuration profile.

    ``provider`` is a name (``"telnyx"``) or a mapping holding ``"provider"`` and options
    (explicit keyword options win over the mapping's). With ``profile=`` (or ``config_file=``)
    the configuration is resolved like :func:`connect_from_env`: arguments, then the
    environment, then the file.

    >>> svc = confclient.connect("telnyx", api_key=KEY)                 # doctest: +SKIP
    >>> svc = confclient.connect({"provider": "twilio", "account_sid": "AC…",
    ...                           "auth_token": "…"})                    # doctest: +SKIP
    >>> svc = confclient.connect(profile="eu")                          # doctest: +SKIP
    """
    name: str | None
    if isinstance(provider, Mapping):
        merged = dict(provider)
        name = merged.pop("provider", None)
        if name is None and profile is None:
            raise ConfigurationError("the configuration mapping has no 'provider' key")
        merged.update(options)
        options = merged
    else:
        name = provider
    if profile is None and config_file is None:
        if name is None:
            raise ConfigurationError(
                "connect() needs a provider name, a configuration mapping, or profile="
            )
        return _make(name, options)
    return resolve_config(name, profile=profile, config_file=config_file, options=options).connect()


def connect_from_env(
    provider: str | None = None,
    *,
    profile: str | None = None,
    config_file: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    **options: Any,
) -> ConferenceService:
    """A service configured from the environment (and configuration files).

    The provider is ``provider``, else ``CONFCLIENT_PROVIDER``, else the profile's:
    ``profile``, else ``CONFCLIENT_PROFILE``, else the files' ``default_profile``. The
    adapter reads its own variables (``TELNYX_API_KEY``, ``TELNYX_BASE_URL``,
    ``TWILIO_ACCOUNT_SID``, ...). Explicit keyword ``options`` win over the environment,
    which wins over the file (see :func:`resolve_config`). An explicit ``env`` is the whole
    environment: ``os.environ`` is not read, and the user's file is found from ``env``'s
    ``XDG_CONFIG_HOME`` / ``HOME`` only.
    """
    return resolve_config(
        provider, profile=profile, config_file=config_file, env=env, options=options
    ).connect()

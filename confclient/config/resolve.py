"""Resolving a configuration, and making connected services.

A configuration is resolved (:func:`resolve_config`) from, strongest first: arguments, the
environment, configuration files (TOML profiles, see :mod:`confclient.config.files`).
:func:`connect` with ``profile=`` and :func:`connect_from_env` share that one loader, and every
reader of the files (``confclient profiles`` too) goes through
:func:`~confclient.config.files.load_config`, which checks each profile against its provider.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from confclient.errors import ConfigurationError
from confclient.service import ConferenceService

from ._factory import accepted_options, check_region, make_service, verifier_options
from ._names import LOCAL_FILE, PROFILE_ENV, REGION_ENV, REGION_OPTION, is_secret_option
from .files import load_config
from .registry import ProviderFactory, available_providers, load_provider
from .schema import Config, Profile

__all__ = ["ResolvedConfig", "connect", "connect_from_env", "resolve_config"]

# How strongly a choice was made: a stronger one overrides a weaker one that disagrees.
_ARGUMENT, _ENVIRONMENT, _FILE = 2, 1, 0

#: Options as one source gives them: ``(option, value, where it came from)``.
_Layer = Iterable[tuple[str, Any, str]]


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
            return make_service(self.provider, self._service_options())
        except ConfigurationError as exc:
            if self.profile is None:
                raise
            raise ConfigurationError(
                f"{exc} [profile {self.profile.name!r}, {self.profile.where}]",
                provider=exc.provider,
                missing=exc.missing,
            ) from exc

    def _service_options(self) -> Mapping[str, Any]:
        """The options without those only the provider's webhook verifier takes (a profile
        may hold its ``public_key``)."""
        factory = load_provider(self.provider)
        accepted = accepted_options(factory)
        if accepted is None or all(option in accepted for option in self.options):
            return self.options
        webhook_only = verifier_options(self.provider, factory) - accepted
        return {o: v for o, v in self.options.items() if o not in webhook_only}


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
    config = load_config(config_file, env)
    provider_choice = _provider_choice(provider, environ)
    profile_choice = _profile_choice(profile, environ, config, provider_choice)
    chosen = _pick_profile(config, profile_choice, provider_choice)
    name, provider_source = _provider_of(provider_choice, chosen, profile_choice)
    merged, sources = _merge_options(name, chosen, environ, given)
    return ResolvedConfig(
        provider=name,
        provider_source=provider_source,
        options=MappingProxyType(merged),
        sources=MappingProxyType(sources),
        profile=chosen,
        region=merged.get(REGION_OPTION),
    )


# -- choosing the provider and the profile -----------------------------------------------------


def _provider_choice(provider: str | None, environ: Mapping[str, str]) -> _Choice | None:
    if provider:
        return _Choice(provider, _ARGUMENT, "argument")
    if environ.get("CONFCLIENT_PROVIDER"):
        return _Choice(environ["CONFCLIENT_PROVIDER"], _ENVIRONMENT, "$CONFCLIENT_PROVIDER")
    return None


def _profile_choice(
    profile: str | None,
    environ: Mapping[str, str],
    config: Config,
    provider_choice: _Choice | None,
) -> _Choice | None:
    if profile:
        return _Choice(profile, _ARGUMENT, "argument")
    if environ.get(PROFILE_ENV):
        return _Choice(environ[PROFILE_ENV], _ENVIRONMENT, f"${PROFILE_ENV}")
    # default_profile applies only when nothing stronger names a provider or a profile.
    if provider_choice is None and config.default_profile is not None:
        name, where = config.default_profile
        return _Choice(name, _FILE, f"default_profile at {where}")
    return None


def _pick_profile(
    config: Config, profile_choice: _Choice | None, provider_choice: _Choice | None
) -> Profile | None:
    """The profile to use: ``None`` when none is chosen, or when a stronger choice of
    another provider overrides it; a provider and a profile chosen at the same level must
    agree."""
    if profile_choice is None:
        return None
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
            return None
    return chosen


def _provider_of(
    provider_choice: _Choice | None, chosen: Profile | None, profile_choice: _Choice | None
) -> tuple[str, str]:
    """The provider's name and what chose it (the profile wins over a weaker choice)."""
    if provider_choice is not None and (chosen is None or chosen.provider == provider_choice.value):
        return provider_choice.value, provider_choice.how
    if chosen is not None:
        how = profile_choice.how if profile_choice is not None else "?"
        return chosen.provider, f"profile {chosen.name}, chosen by {how}"
    known = ", ".join(available_providers())
    raise ConfigurationError(
        f"no provider: set CONFCLIENT_PROVIDER (one of {known}) or CONFCLIENT_PROFILE, "
        f"pass provider= or profile=, or set default_profile in ./{LOCAL_FILE} or "
        "$XDG_CONFIG_HOME/confclient/config.toml"
    )


# -- the options, one source at a time ---------------------------------------------------------


def _merge_options(
    name: str, chosen: Profile | None, environ: Mapping[str, str], given: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Provider ``name``'s options and where each came from, every source applied weakest
    first so that a stronger one overwrites what a weaker one set."""
    factory = load_provider(name)
    merged: dict[str, Any] = {}
    sources: dict[str, str] = {}
    layers = (
        _from_profile(chosen),
        _from_provider_variables(factory, chosen, environ),
        _from_region_variable(name, factory, environ, given),
        _from_profile_variables(chosen, environ, given),
        ((option, value, "argument") for option, value in given.items()),
    )
    for layer in layers:
        for option, value, source in layer:
            merged[option] = value
            sources[option] = source
    return merged, sources


def _from_profile(chosen: Profile | None) -> _Layer:
    """The profile's literal values and its ``region``."""
    if chosen is None:
        return
    for option, value in chosen.options.items():
        yield option, value, chosen.key_where(option)
    if chosen.region is not None:
        yield REGION_OPTION, chosen.region, chosen.key_where("region")


def _from_provider_variables(
    factory: ProviderFactory, chosen: Profile | None, environ: Mapping[str, str]
) -> _Layer:
    """The provider's own variables (``options_from_env``), but for an option the profile
    reads from a variable of its own."""
    from_env = getattr(factory, "options_from_env", None)
    if not callable(from_env):
        return
    for option, value in dict(from_env(environ)).items():
        if chosen is not None and option in chosen.env_options:
            continue  # the profile names its own variable for this option
        yield option, value, _env_source(from_env, option, environ)


def _from_region_variable(
    name: str, factory: ProviderFactory, environ: Mapping[str, str], given: Mapping[str, Any]
) -> _Layer:
    """``$CONFCLIENT_REGION`` as ``default_region`` (unless an argument gives it)."""
    region = environ.get(REGION_ENV)
    if not region or REGION_OPTION in given:
        return
    accepted = accepted_options(factory)
    if accepted is not None and REGION_OPTION not in accepted:
        raise ConfigurationError(
            f"${REGION_ENV} is set, but provider {name!r} takes no {REGION_OPTION}"
        )
    check_region(name, factory, region, f"${REGION_ENV}")
    yield REGION_OPTION, region, f"${REGION_ENV}"


def _from_profile_variables(
    chosen: Profile | None, environ: Mapping[str, str], given: Mapping[str, Any]
) -> _Layer:
    """The variables the profile names (``OPTION_env``): each must be set."""
    if chosen is None:
        return
    for option, variable in chosen.env_options.items():
        if option in given:
            continue
        value = environ.get(variable)
        if not value:
            raise ConfigurationError(
                f"{chosen.key_where(option)}: profile {chosen.name!r} reads {option} from "
                f"${variable}, which is not set"
            )
        yield option, value, f"${variable}"


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


# -- connecting --------------------------------------------------------------------------------


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
        return make_service(name, options)
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

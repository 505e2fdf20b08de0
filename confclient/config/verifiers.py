"""``webhook_verifier``: a provider's webhook signature check, configured like ``connect``.

A provider's service class names its verifier (``webhooks = "package.events:Class"``); the
verifier class names the secrets it takes (its constructor's options) and the variable each is
read from (``env_variables``, e.g. ``{"public_key": "TELNYX_PUBLIC_KEY"}``). A profile may
hold those options too (``public_key = "..."`` or ``public_key_env = "VAR"``): they are
checked with the profile and left out of the service ``connect`` makes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from confclient.errors import ConfigurationError
from confclient.events import WebhookVerifier

from ._factory import accepted_options, verifier_class
from .resolve import resolve_config

__all__ = ["webhook_verifier"]


def webhook_verifier(
    provider: str | None = None,
    /,
    *,
    profile: str | None = None,
    config_file: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    **secrets: Any,
) -> WebhookVerifier:
    """The webhook verifier of ``provider`` (``"telnyx"``: ``public_key=``; ``"twilio"``:
    ``auth_token=``), or of a configuration profile.

    Secrets not given are read from the environment (``TELNYX_PUBLIC_KEY``,
    ``TWILIO_AUTH_TOKEN``); with ``profile=`` (or ``config_file=``, or no provider at all)
    the provider and secrets resolve like :func:`confclient.connect_from_env`: arguments,
    then the environment, then the file.

    >>> verifier = confclient.webhook_verifier("telnyx", public_key=KEY)   # doctest: +SKIP
    >>> event = verifier.verify(request.headers, body, url=public_url)      # doctest: +SKIP
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    if provider is not None and profile is None and config_file is None:
        cls = verifier_class(provider)
        options = _from_variables(cls, environ, set())
    else:
        resolved = resolve_config(
            provider, profile=profile, config_file=config_file, env=env, options=secrets
        )
        cls = verifier_class(resolved.provider)
        takes = accepted_options(cls)
        options = {
            option: value
            for option, value in resolved.options.items()
            if takes is None or option in takes
        }
        # The verifier's own variables outrank only what a file gave literally.
        stronger = {
            option
            for option, source in resolved.sources.items()
            if source == "argument" or source.startswith("$")
        }
        options.update(_from_variables(cls, environ, stronger))
    options.update(secrets)
    try:
        verifier: WebhookVerifier = cls(**options)
    except TypeError as exc:
        raise ConfigurationError(f"webhook_verifier: {exc}") from None
    return verifier


def _from_variables(cls: Any, environ: Mapping[str, str], keep: set[str]) -> dict[str, Any]:
    variables: Mapping[str, str] = getattr(cls, "env_variables", {})
    return {
        option: environ[variable]
        for option, variable in variables.items()
        if option not in keep and environ.get(variable)
    }

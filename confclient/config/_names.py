"""The names configuration is spelt with, and two helpers about names.

The environment variables, the local file's name and the keys a profile interprets itself
live here, below every other module of :mod:`confclient.config`, with :func:`did_you_mean`
(the closest known name, for error messages) and :func:`is_secret_option` (whose value is
never shown).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

__all__ = [
    "CONFIG_ENV",
    "ENV_SUFFIX",
    "LOCAL_FILE",
    "NOT_IN_FILES",
    "PROFILE_ENV",
    "PROFILE_KEYS",
    "REGION_ENV",
    "REGION_OPTION",
    "did_you_mean",
    "is_secret_option",
]

CONFIG_ENV: Final = "CONFCLIENT_CONFIG"
PROFILE_ENV: Final = "CONFCLIENT_PROFILE"
LOCAL_FILE: Final = "confclient.toml"

ENV_SUFFIX: Final = "_env"
# Options that are Python objects, not values a file can hold.
NOT_IN_FILES: Final = frozenset({"session", "trace_configs"})
# Profile keys the loader interprets itself (everything else is a provider option).
PROFILE_KEYS: Final = ("provider", "region", "timeout", "retry")
#: The option a profile's ``region`` key sets (and which a profile spells ``region``).
REGION_OPTION: Final = "default_region"
#: The variable that sets ``default_region`` for any provider (environment level).
REGION_ENV: Final = "CONFCLIENT_REGION"
_SECRET_WORDS: Final = ("key", "token", "secret", "password")


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` naming the candidate closest to ``word``, or ``""``.

    >>> did_you_mean("page_concurency", ["page_concurrency", "timeout"])
    " (did you mean 'page_concurrency'?)"
    """
    import difflib  # here: only a mistake needs it, and a service starts without it

    by_fold = {c.casefold(): c for c in candidates}
    found = difflib.get_close_matches(word.casefold(), list(by_fold), n=1)
    return f" (did you mean {by_fold[found[0]]!r}?)" if found else ""


def is_secret_option(name: str) -> bool:
    """Whether an option holds a credential (its value is never printed)."""
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)

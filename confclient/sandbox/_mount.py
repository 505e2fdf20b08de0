"""Which emulators a sandbox mounts: those the registered providers' service classes name.

A service class names its emulator as a lazy ``"module:Class"`` string (its ``emulator``
attribute); nothing is imported until a sandbox is built. Every registered provider whose
service names one is served, unless a sandbox is asked for some providers only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from confclient.config import available_providers, load_provider, load_provider_part
from confclient.errors import ConfigurationError

from ._emulator import Emulator
from ._stats import SandboxStats

__all__ = ["emulator_class", "make_emulators", "served_providers"]


def emulator_class(provider: str, factory: object | None = None) -> type[Emulator] | None:
    """The emulator class the service of ``provider`` (its ``factory``, when already loaded)
    names; ``None`` when it names none.

    Raises :class:`ConfigurationError` when the provider, or the emulator it names, cannot be
    loaded.
    """
    loaded = load_provider_part(provider, "emulator", factory)
    if loaded is None:
        return None
    if getattr(loaded, "name", None) != provider:
        # Another name for a provider registered under its own name (an alias, a subclass
        # of its service): that provider serves it.
        return None
    return loaded  # type: ignore[no-any-return]


def served_providers(asked: Iterable[str] | None = None) -> list[tuple[str, type[Emulator]]]:
    """``(name, emulator class)`` of the providers to serve, in name order: those ``asked``
    for, else every registered provider with an emulator.

    A provider asked for that has no emulator is a ``ValueError``; when serving every
    provider, one whose package cannot even be imported is left out (it cannot be used
    anyway), while one whose emulator fails to load is an error.
    """
    registered = available_providers()
    if asked is None:
        found = []
        for name in registered:
            try:
                factory = load_provider(name)
            except ConfigurationError:
                continue
            cls = emulator_class(name, factory)
            if cls is not None:
                found.append((name, cls))
        return found
    chosen = []
    for name in sorted(set(asked)):
        cls = emulator_class(name) if name in registered else None
        if cls is None:
            serving = ", ".join(n for n, _ in served_providers()) or "none"
            raise ValueError(
                f"provider {name!r} has no sandbox emulator; emulated providers: {serving}"
            )
        chosen.append((name, cls))
    if not chosen:
        raise ValueError("providers must name at least one provider")
    return chosen


def make_emulators(
    classes: Sequence[tuple[str, type[Emulator]]], *, seed: int, size: int, stats: SandboxStats
) -> dict[str, Emulator]:
    """One emulator per provider, by name; two claiming overlapping prefixes is an error."""
    emulators: dict[str, Emulator] = {}
    for name, cls in classes:
        emulator = cls(seed=seed, size=size, stats=stats)  # type: ignore[call-arg]
        for other in emulators.values():
            if _overlap(emulator.prefix, other.prefix):
                raise ValueError(
                    f"emulators {other.name!r} and {name!r} both claim the path prefix "
                    f"{other.prefix!r}/{emulator.prefix!r}: each needs a prefix of its own"
                )
        emulators[name] = emulator
    return emulators


def _overlap(a: str, b: str) -> bool:
    # "/v2" and "/v2/x" overlap (one owns the other's paths); "/v2" and "/v20" do not.
    a, b = a.rstrip("/"), b.rstrip("/")
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")

"""The ``create`` command's field flags, made from what the providers declare.

Each provider's service class declares the fields its ``create`` takes (``create_fields``, a
tuple of :class:`~confclient.query.CreateField`). The command has one flag per field name
of every registered provider, loaded by name through the registry when the command is first
parsed (and again whenever the registry has changed): ``--name TEXT``, ``--max-participants
INTEGER``, ``--comfort-noise/--no-comfort-noise`` for a ``bool``. Which flags a provider
takes, and which it requires, is checked once the provider is resolved
(:func:`create_arguments`): a flag it does not take is a usage error naming it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Final

import click

from confclient.config import available_providers, load_provider
from confclient.errors import ConfigurationError
from confclient.query import Capability, CreateField

from ._errors import and_join

__all__ = ["CreateCommand", "create_arguments", "declared_create_fields", "field_options"]

#: The short flags ``list`` and ``get`` also give these fields' neutral meaning.
_SHORT_FLAGS: Final[Mapping[str, str]] = {"region": "-r"}
#: The field flags go before this option of the command (in its help, too).
_FLAGS_BEFORE: Final = "fmt"


def declared_create_fields(providers: Collection[str]) -> dict[str, tuple[CreateField, ...]]:
    """``provider -> create fields`` of each of ``providers`` that declares some; one that
    cannot be loaded has none here (the command says why when it is used)."""
    declared: dict[str, tuple[CreateField, ...]] = {}
    for name in providers:
        try:
            factory = load_provider(name)
        except ConfigurationError:
            continue
        fields = tuple(getattr(factory, "create_fields", ()))
        if fields:
            declared[name] = fields
    return declared


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _help(takers: Sequence[tuple[str, CreateField]], everyone: Sequence[str]) -> str:
    """The first help a provider gives; which providers take the field, when not all do;
    which require it."""
    text = next((field.help for _, field in takers if field.help), "")
    names = [provider for provider, _ in takers]
    if len(names) < len(everyone):
        text += f" ({and_join(names)} only)"
    required = [provider for provider, field in takers if field.required]
    if required:
        text += "  [required]" if required == names else f"  [required by {and_join(required)}]"
    return text.strip()


def _option(
    name: str, takers: Sequence[tuple[str, CreateField]], everyone: Sequence[str]
) -> click.Option:
    """The flag of one field name. Providers that disagree on its kind get a text flag,
    converted to each one's kind once the provider is known."""
    kinds = {field.kind for _, field in takers}
    help_text = _help(takers, everyone)
    if kinds == {bool}:
        flag = _flag(name)
        return click.Option([name, f"{flag}/--no-{flag[2:]}"], default=None, help=help_text)
    metavar = next((field.metavar for _, field in takers if field.metavar), None)
    short = [_SHORT_FLAGS[name]] if name in _SHORT_FLAGS else []
    return click.Option(
        [name, _flag(name), *short],
        type=kinds.pop() if len(kinds) == 1 else str,
        metavar=metavar,
        help=help_text,
    )


def field_options(
    declared: Mapping[str, Sequence[CreateField]], taken: Collection[str]
) -> list[click.Option]:
    """One option per field name, in the order providers declare them. A field whose name
    or flag the command already has (``taken``: ``--format``, ``--provider``, ...) is
    left out rather than shadow the command's own option."""
    by_name: dict[str, list[tuple[str, CreateField]]] = {}
    for provider, fields in declared.items():
        for field in fields:
            by_name.setdefault(field.name, []).append((provider, field))
    everyone = list(declared)
    return [
        _option(name, takers, everyone)
        for name, takers in by_name.items()
        if not {name, _flag(name), f"--no-{_flag(name)[2:]}"} & set(taken)
    ]


class CreateCommand(click.Command):
    """A command whose options are its own plus the create fields' flags of every
    registered provider, made when first needed and again when the registry changes.

    ``params`` stays one list object (click appends to it and pops from it); the field
    flags are replaced in it, before ``--format``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._params: list[click.Parameter] = []
        self._fields: list[click.Option] | None = None
        self._registry: dict[str, str] | None = None
        super().__init__(*args, **kwargs)

    @property
    def params(self) -> list[click.Parameter]:
        if self._fields is None:
            self.refresh()
        return self._params

    @params.setter
    def params(self, own: list[click.Parameter]) -> None:
        self._params = list(own)
        self._fields = None

    def refresh(self) -> None:
        """Remake the field flags if the registered providers changed."""
        try:
            registry = dict(available_providers())
        except ConfigurationError:  # a conflict the command reports once it resolves
            registry = {}
        if self._fields is not None and registry == self._registry:
            return
        old = self._fields or []
        own = [param for param in self._params if not any(param is f for f in old)]
        taken = {"-h", "--help"}
        for param in own:
            taken.update([param.name or "", *param.opts, *param.secondary_opts])
        fields = field_options(declared_create_fields(registry), taken)
        names = [param.name for param in own]
        at = names.index(_FLAGS_BEFORE) if _FLAGS_BEFORE in names else len(names)
        self._params[:] = [*own[:at], *fields, *own[at:]]
        self._fields, self._registry = fields, registry

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        self.refresh()
        return super().parse_args(ctx, args)


def create_arguments(ctx: click.Context, provider: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """The flags given (``given``: field name -> value) as ``create`` arguments for the
    resolved ``provider``: a flag it does not take and a field it requires but was not
    given are usage errors. A provider that cannot create, or declares no fields, gets
    them as they are (its service says what is wrong).
    """
    factory = load_provider(provider)
    fields: Sequence[CreateField] = getattr(factory, "create_fields", ())
    capabilities = getattr(factory, "capabilities", None)
    if not fields or (capabilities is not None and Capability.CREATE not in capabilities):
        return dict(given)
    options = {param.name: param for param in ctx.command.params}
    takes = {field.name: field for field in fields}
    foreign = [name for name in given if name not in takes]
    if foreign:
        raise click.UsageError(
            f"{provider} create takes no {and_join([_flag(n) for n in foreign])}; it takes: "
            f"{', '.join(_flag(field.name) for field in fields)}",
            ctx=ctx,
        )
    for field in fields:
        if field.required and field.name not in given:
            raise click.MissingParameter(
                ctx=ctx,
                param=options.get(field.name),
                param_hint=None if field.name in options else f"'{_flag(field.name)}'",
                param_type="option",
            )
    return {
        name: _as_kind(value, takes[name].kind, options.get(name), ctx)
        for name, value in given.items()
    }


def _as_kind(value: Any, kind: type, option: click.Parameter | None, ctx: click.Context) -> Any:
    """A text value (from a flag providers disagree on) as the provider's kind."""
    if not isinstance(value, str) or kind is str:
        return value
    converter: click.ParamType[Any] = click.BOOL if kind is bool else click.INT
    return converter.convert(value, option, ctx)

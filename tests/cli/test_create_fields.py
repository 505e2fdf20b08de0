"""``create``'s flags come from the providers' ``create_fields``: one flag per field of every
registered provider, checked against the provider chosen (a flag it does not take, a field
it requires), remade when the registry changes.

A second provider with create fields of its own: Telnyx's service under another name
(``toycli``), declaring other fields, so that its creates really reach the sandbox.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest

import confclient
from confclient import Conference
from confclient.cli._conference import create_command
from confclient.query import CreateField
from confclient.testing import ThreadedSandbox
from confclient_telnyx import TelnyxConferenceService
from tests.cli.conftest import Run

UseEnv = Callable[[dict[str, str]], None]


class ToyService(TelnyxConferenceService):
    """Takes a topic Telnyx does not (the name when none is given); does not require a
    name; declares max_participants as text where Telnyx declares a number."""

    create_fields: ClassVar[tuple[CreateField, ...]] = (
        CreateField("call_control_id", required=True, help="The call leg."),
        CreateField("name", help="Name."),
        CreateField("topic", required=True, metavar="TEXT", help="What it is about."),
        CreateField("max_participants", str, metavar="N", help="A limit."),
    )

    async def create(self, *, topic: str, **fields: Any) -> Conference:  # type: ignore[override]
        return await super().create(**{"name": topic, **fields})


@pytest.fixture
def toy() -> Iterator[str]:
    confclient.register_provider("toycli", ToyService)
    try:
        yield "toycli"
    finally:
        confclient.unregister_provider("toycli")


def flags() -> set[str]:
    return {opt for param in create_command.params for opt in param.opts}


def test_the_flags_follow_the_registry(run: Run, toy: str) -> None:
    help_text = " ".join(run("create", "--help").out.split())
    assert "--topic" in flags()
    assert "--topic TEXT What it is about. (toycli only) [required]" in help_text
    assert "--name TEXT Name of the conference. [required by telnyx]" in help_text
    assert "--beep-enabled WHEN always, never, on_enter or on_exit. (telnyx only)" in help_text
    confclient.unregister_provider(toy)
    result = run("create", "--provider", "telnyx", "--topic", "x")
    assert result.code == 2
    assert "No such option '--topic'" in result.err
    assert "--topic" not in flags()
    assert "--beep-enabled" in flags()


@pytest.mark.confclient_sandbox(size=1)
def test_a_flag_the_provider_does_not_take_is_refused(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox, toy: str
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    result = run("create", "--call-control-id", "v3:x", "--name", "n", "--topic", "t")
    assert result.code == 2
    assert "Usage: confclient create" in result.err
    assert "Error: telnyx create takes no --topic; it takes: --call-control-id, --name," in (
        result.err
    )
    result = run("create", "--provider", toy, "--call-control-id", "v3:x", "--beep-enabled", "x")
    assert result.code == 2
    assert (
        "Error: toycli create takes no --beep-enabled; it takes: --call-control-id, --name, "
        "--topic, --max-participants" in result.err
    )
    assert confclient_sandbox.stats.total_requests == 0


@pytest.mark.confclient_sandbox(size=1)
def test_required_fields_are_the_chosen_providers(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox, toy: str
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    result = run("create", "--provider", toy, "--call-control-id", "v3:x", "--name", "n")
    assert result.code == 2
    assert "Missing option '--topic'" in result.err
    result = run("create", "--call-control-id", "v3:x")
    assert result.code == 2
    assert "Missing option '--name'" in result.err
    assert confclient_sandbox.stats.total_requests == 0
    # toycli requires no name (its create names the conference after its topic).
    toy_create = ["create", "--provider", toy, "--call-control-id", "v3:x", "--topic", "Ops"]
    result = run(*toy_create, "-f", "json")
    assert result.code == 0, result.err
    created = json.loads(result.out)
    assert created["name"] == "Ops"
    assert confclient_sandbox.stats.created == 1


@pytest.mark.confclient_sandbox(size=1)
def test_a_flag_whose_kinds_disagree_takes_each_providers_kind(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox, toy: str
) -> None:
    """toycli declares max_participants as text, Telnyx as a number: the flag takes text,
    made a number for Telnyx (and refused there when it is not one)."""
    use_env(confclient_sandbox.env("telnyx"))
    create = ["create", "--call-control-id", "v3:x", "--name", "n", "-f", "json"]
    result = run(*create, "--max-participants", "twelve")
    assert result.code == 2
    assert "'twelve' is not a valid integer" in result.err
    assert confclient_sandbox.stats.total_requests == 0
    # Sent as text, it would be refused on the client: it was made a number.
    result = run(*create, "--max-participants", "12")
    assert result.code == 0, result.err
    assert json.loads(result.out)["name"] == "n"
    # The text reaches toycli as text (its service is Telnyx's, which wants a number).
    result = run(*create, "--provider", toy, "--topic", "t", "--max-participants", "12")
    assert result.code == 2
    assert "max_participants" in result.err
    assert confclient_sandbox.stats.created == 1

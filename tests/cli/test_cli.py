"""The confclient command: demo, get, create, providers, sandbox, usage, the missing extra."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable

import pytest

from confclient.cli._conference import create_command
from confclient.testing import ThreadedSandbox
from confclient_telnyx.create import CREATE_FIELDS
from tests.cli.conftest import Run

UseEnv = Callable[[dict[str, str]], None]
# The documented mixer regions (specs/twilio-insights-list-conferences.md), in that order.
TWILIO_REGIONS = ["us1", "au1", "br1", "ie1", "jp1", "sg1", "de1"]


def child_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CONFCLIENT_", "TELNYX_", "TWILIO_"))
    }
    env.update(extra)
    return env


# -- demo -----------------------------------------------------------------------------------


def test_demo_lists_every_region_of_both_providers(run: Run) -> None:
    result = run("demo", "--size", "2", "--seed", "4")
    assert result.code == 0, result.err
    text = result.out
    rows = [line.split()[0:2] for line in text.splitlines() if re.match(r"^(telnyx|twilio) ", line)]
    regions = {tuple(row) for row in rows}
    assert {r for p, r in regions if p == "telnyx"} == {"Australia", "Europe", "Middle", "US"}
    assert {r for p, r in regions if p == "twilio"} == set(TWILIO_REGIONS)
    assert len(rows) == 22
    assert "telnyx: 8 conferences in 4 regions" in text
    assert "twilio: 14 conferences in 7 regions" in text
    assert re.search(r"^22 conferences, 11 pages, 11 requests, \d+\.\d\d s$", text, re.MULTILINE)


def test_demo_is_deterministic_for_a_seed(run: Run) -> None:
    def table(text: str) -> list[str]:
        return [line for line in text.splitlines() if re.match(r"^(telnyx|twilio) ", line)]

    first, second = (
        run("demo", "--size", "1", "--seed", "9"),
        run("demo", "--size", "1", "--seed", "9"),
    )
    assert table(first.out) == table(second.out)
    assert len(table(first.out)) == 11
    assert table(first.out) != table(run("demo", "--size", "1", "--seed", "10").out)


# -- get ------------------------------------------------------------------------------------


@pytest.mark.confclient_sandbox(size=4, seed=11)
def test_get_telnyx_in_a_region(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    record = confclient_sandbox.telnyx_records("Middle East")[2]
    result = run("get", record["id"], "--region", "middle east")
    assert result.code == 0, result.err
    fields = dict(line.split(None, 1) for line in result.out.splitlines())
    assert fields["id"] == record["id"]
    assert fields["name"] == record["name"]
    assert fields["data_region"] == "Middle East"
    assert fields["status"] == record["status"].replace("init", "not_started")

    as_json = json.loads(run("get", record["id"], "-r", "Middle East", "-f", "json", "--raw").out)
    assert as_json["id"] == record["id"]
    assert as_json["raw"] == record


@pytest.mark.confclient_sandbox(size=3, seed=12)
def test_get_twilio_every_format(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("twilio"))
    sid = confclient_sandbox.twilio_records("br1")[0]["conference_sid"]
    assert sid in run("get", sid).out
    assert json.loads(run("get", sid, "-f", "json").out)["id"] == sid
    assert json.loads(run("get", sid, "-f", "ndjson").out)["id"] == sid
    lines = run("get", sid, "-f", "csv").out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("provider,id,")
    assert lines[1].startswith(f"twilio,{sid},")


# -- create ---------------------------------------------------------------------------------


def test_create_offers_every_field_of_the_telnyx_request() -> None:
    options = {p.name for p in create_command.params}
    assert set(CREATE_FIELDS) <= options


@pytest.mark.confclient_sandbox(size=2)
def test_create_with_every_field(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    argv = [
        "create",
        "--call-control-id", "v3:abc123",
        "--name", "Ops bridge",
        "--beep-enabled", "on_exit",
        "--client-state", "aGVsbG8=",
        "--comfort-noise",
        "--command-id", "cmd-1",
        "--duration-minutes", "30",
        "--hold-media-name", "hold.mp3",
        "--max-participants", "12",
        "--no-start-conference-on-create",
        "--region", "Europe",
        "--format", "json",
    ]  # fmt: skip
    result = run(*argv)
    assert result.code == 0, result.err
    created = json.loads(result.out)
    assert created["name"] == "Ops bridge"
    assert created["data_region"] == "Europe"
    assert confclient_sandbox.stats.created == 1
    assert confclient_sandbox.telnyx_records("Europe")[0]["id"] == created["id"]
    # The same command_id again: Telnyx (and the sandbox) return the same conference.
    again = json.loads(run(*argv).out)
    assert again["id"] == created["id"]
    assert confclient_sandbox.stats.created == 1


def test_create_requires_its_two_fields(run: Run) -> None:
    result = run("create", "--provider", "telnyx", "--name", "x")
    assert result.code == 2
    assert "Missing option '--call-control-id'" in result.err


@pytest.mark.confclient_sandbox(size=1)
def test_create_refused_on_the_client(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    result = run("create", "--call-control-id", "v3:x", "--name", "y", "--max-participants", "1")
    assert result.code == 2
    assert result.err_lines == [
        "confclient: error: max_participants must be between 2 and 800, got 1"
    ]
    use_env(confclient_sandbox.env("twilio"))
    result = run("create", "--call-control-id", "v3:x", "--name", "y")
    assert result.code == 2
    assert result.err_lines == [
        "confclient: error: twilio does not support create (it supports: get, list, participants)"
    ]
    assert confclient_sandbox.stats.total_requests == 0


# -- providers ------------------------------------------------------------------------------


def test_providers_table(run: Run) -> None:
    result = run("providers")
    assert result.code == 0, result.err
    lines = [line.rstrip() for line in result.out.splitlines()]
    telnyx = next(line for line in lines if line.startswith("telnyx"))
    twilio = next(line for line in lines if line.startswith("twilio"))
    assert "list, get, create, participants" in telnyx
    assert "Australia, Europe, Middle East, US" in telnyx
    assert "list, get, participants " in twilio
    assert "create" not in twilio
    assert "us1, au1, br1, ie1, jp1, sg1, de1" in twilio
    assert max(len(line) for line in lines) <= 80


def test_providers_json(run: Run) -> None:
    rows = {row["name"]: row for row in json.loads(run("providers", "-f", "json").out)}
    assert rows["telnyx"]["target"] == "confclient_telnyx:TelnyxConferenceService"
    assert rows["telnyx"]["capabilities"] == ["list", "get", "create", "participants"]
    assert rows["twilio"]["regions"] == TWILIO_REGIONS


def test_providers_shows_a_broken_provider(run: Run) -> None:
    import confclient

    confclient.register_provider("ghostcli", "confclient_ghost_cli_xyz:Service")
    try:
        result = run("providers", "-f", "json")
    finally:
        confclient.unregister_provider("ghostcli")
    assert result.code == 0
    ghost = next(row for row in json.loads(result.out) if row["name"] == "ghostcli")
    assert "confclient_ghost_cli_xyz" in ghost["error"]


# -- sandbox --------------------------------------------------------------------------------


@pytest.mark.parametrize("host", [None, "0.0.0.0"])
def test_sandbox_serves_until_interrupted(run: Run, use_env: UseEnv, host: str | None) -> None:
    """The URLs it prints are ones a client uses as they are: bound to every interface
    (0.0.0.0), they are on loopback (a client refuses plain http to other hosts)."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "confclient",
            "sandbox",
            "--port",
            "0",
            "--size",
            "3",
            "--seed",
            "5",
            *(["--host", host] if host else []),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        assert process.stdout is not None
        lines = []
        while not lines or not lines[-1].startswith("Ctrl-C"):
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else ""
            lines.append(line.rstrip("\n"))
        exports = [line.split()[1:] for line in lines if line.strip().startswith("export ")]
        variables = dict(item.split("=", 1) for export in exports for item in export)
        assert lines[0].startswith("confclient sandbox on http://127.0.0.1:")
        assert lines[0].endswith("(seed=5, size=3 per region)")
        port = lines[0].split()[3].rpartition(":")[2]
        every_interface = f"listening on every interface (0.0.0.0 port {port}); "
        assert (lines[1].startswith(every_interface)) == (host == "0.0.0.0")
        assert "0.0.0.0" not in "\n".join(line for line in lines if "export" in line)
        use_env({**variables, "CONFCLIENT_PROVIDER": "telnyx"})
        listed = run("list", "-r", "all", "-f", "ndjson")
        assert listed.code == 0, listed.err
        assert len(listed.out.splitlines()) == 12
        use_env({"CONFCLIENT_PROVIDER": "twilio"})
        assert len(run("list", "-r", "de1", "-f", "ndjson").out.splitlines()) == 3
        refused = run("list", "-r", "in1", "-f", "ndjson")  # a participant region only
        assert (refused.code, refused.out) == (2, "")
        assert "us1, au1, br1, ie1, jp1, sg1, de1" in refused.err
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_sandbox_port_in_use(run: Run) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("sandbox", "--port", str(port))
    assert result.code == 1
    assert result.err_lines[0].startswith(f"confclient: error: cannot serve on 127.0.0.1:{port}")


# -- usage and the entry points -------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--size", "0"],
        ["demo", "--latency-ms", "-1"],
        ["sandbox", "--port", "70000"],
        ["sandbox", "--fault-rate", "2"],
        ["list", "--format", "xml"],
        ["list", "--limit", "0"],
        ["list", "-o", "no-equals-sign"],
        ["get"],
        ["nope"],
        ["list", "--bogus"],
        ["list", "--provider", "telnyx", "-o", "api_key=KEYx", "-r", "all", "-r", "US"],
    ],
)
def test_usage_errors_exit_2(argv: list[str], run: Run) -> None:
    result = run(*argv)
    assert result.code == 2
    assert "Usage: confclient" in result.err
    assert result.out == ""


def test_help_lists_every_exit_code(run: Run) -> None:
    result = run("--help")
    assert result.code == 0
    text = " ".join(result.out.split())
    assert (
        "Exit codes: 0 ok, 1 provider or network error, 2 usage or configuration, "
        "3 authentication refused, 4 not found, 130 interrupted (Ctrl-C)." in text
    )


@pytest.mark.confclient_sandbox(size=1)
@pytest.mark.parametrize("fmt", ["table", "csv"])
@pytest.mark.parametrize("command", ["list", "get", "create"])
def test_raw_is_refused_where_it_does_not_fit(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox, command: str, fmt: str
) -> None:
    """--raw adds the provider's record to json and ndjson; with a table or CSV it used to
    be ignored silently: now a usage error, before any request."""
    use_env(confclient_sandbox.env("telnyx"))
    args = {
        "list": ["list"],
        "get": ["get", confclient_sandbox.telnyx_records("US")[0]["id"]],
        "create": ["create", "--call-control-id", "v3:x", "--name", "n"],
    }[command]
    result = run(*args, "--raw", "-f", fmt)
    assert result.code == 2
    assert (
        f"Error: --raw adds the provider's record to json and ndjson output; it does not fit "
        f"--format {fmt}" in result.err
    )
    assert result.out == ""
    assert confclient_sandbox.stats.total_requests == 0
    assert run(*args, "--raw", "-f", "ndjson").code == 0


def test_no_command_shows_the_usage(run: Run) -> None:
    result = run()
    assert result.code in (0, 2)  # click shows the help for a bare group
    assert "Usage: confclient" in result.out + result.err


def test_help_names_the_exit_codes(run: Run) -> None:
    result = run("--help")
    assert result.code == 0
    assert "Exit codes: 0 ok, 1 provider or network error, 2 usage or configuration" in " ".join(
        result.out.split()
    )


def test_console_script_module_entry() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "confclient", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stdout.startswith("confclient ")


def test_without_the_cli_extra_one_line_and_exit_2() -> None:
    """click and rich missing: a hint, not a traceback."""
    code = (
        "import sys\n"
        "sys.modules['click'] = None  # as if not installed\n"
        "from confclient.cli import main\n"
        "raise SystemExit(main(['list']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "confclient: the command line needs the 'cli' extra (click and rich): in the confclient "
        "checkout, pip install '.[cli]'"
    ]


def test_a_broken_import_elsewhere_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    from confclient.cli import main

    monkeypatch.setitem(sys.modules, "confclient.cli._app", None)
    with pytest.raises(ImportError):
        main(["list"])

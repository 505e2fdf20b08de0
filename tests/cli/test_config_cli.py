"""The command with configuration files: profiles, broken files, unknown keys, precedence
(options > environment > file), and ``confclient profiles`` (secrets never shown)."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

import confclient
from confclient import Conference, Pager
from confclient.testing import ThreadedSandbox
from confclient_telnyx import TelnyxConferenceService
from tests.cli.conftest import Run

UseEnv = Callable[[dict[str, str]], None]


def dead_url(path: str) -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}{path}"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def two_profiles(sb: ThreadedSandbox, *, telnyx_url: str | None = None) -> str:
    """One profile per provider, as README shows them (credentials from the environment)."""
    return f"""\
default_profile = "eu"

[profiles.eu]
provider = "telnyx"
region = "Europe"
api_key_env = "SANDBOX_TELNYX_KEY"
base_url = "{telnyx_url or sb.telnyx_base_url}"
timeout = {{ total = 10, deadline = 60 }}

[profiles.insights]
provider = "twilio"
region = "ie1"
account_sid = "{sb.twilio_account_sid}"
auth_token_env = "SANDBOX_TWILIO_TOKEN"
base_url = "{sb.twilio_base_url}"
retry = {{ max_attempts = 2, backoff_base = 0 }}
"""


@pytest.fixture
def keys(confclient_sandbox: ThreadedSandbox, use_env: UseEnv) -> None:
    use_env(
        {
            "SANDBOX_TELNYX_KEY": confclient_sandbox.telnyx_api_key,
            "SANDBOX_TWILIO_TOKEN": confclient_sandbox.twilio_auth_token,
        }
    )


# Until the service applies default_region (issue 11, the lead's part), a listing without a
# region ignores the profile's; these pass once it does: then drop this marker.


@pytest.mark.confclient_sandbox(size=4, seed=21)
@pytest.mark.usefixtures("keys")
def test_profiles_from_the_local_file(
    run: Run, clean_environment: Path, confclient_sandbox: ThreadedSandbox
) -> None:
    write(clean_environment / "confclient.toml", two_profiles(confclient_sandbox))
    # The default profile, with its region.
    result = run("list", "-f", "ndjson")
    assert result.code == 0, result.err
    records = [json.loads(line) for line in result.out.splitlines()]
    assert {(r["provider"], r["data_region"]) for r in records} == {("telnyx", "Europe")}
    # The other profile; its region is the default of list and is not sent with get.
    result = run("list", "--profile", "insights", "-f", "ndjson")
    assert {json.loads(line)["data_region"] for line in result.out.splitlines()} == {"ie1"}
    sid = confclient_sandbox.twilio_records("ie1")[0]["conference_sid"]
    result = run("get", sid, "--profile", "insights", "-f", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["id"] == sid


@pytest.mark.confclient_sandbox(size=2)
@pytest.mark.usefixtures("keys")
def test_user_file_under_xdg_config_home(
    run: Run, clean_environment: Path, confclient_sandbox: ThreadedSandbox
) -> None:
    xdg = Path(os.environ["XDG_CONFIG_HOME"])
    write(xdg / "confclient" / "config.toml", two_profiles(confclient_sandbox))
    result = run("list", "--profile", "insights", "-f", "ndjson")
    assert result.code == 0, result.err
    assert len(result.out.splitlines()) == 2
    # ./confclient.toml comes first: its eu profile shadows the user file's.
    write(clean_environment / "confclient.toml", '[profiles.eu]\nprovider = "twilio"\n')
    result = run("list", "--profile", "eu")
    assert result.code == 2
    assert "twilio needs account_sid" in result.err
    assert "confclient.toml:1" in result.err


@pytest.mark.confclient_sandbox(size=2)
@pytest.mark.usefixtures("keys")
def test_config_option_and_variable_name_a_file(
    run: Run, tmp_path: Path, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    elsewhere = write(tmp_path / "deploy" / "conf.toml", two_profiles(confclient_sandbox))
    assert run("list", "--config", str(elsewhere), "-f", "csv").code == 0
    use_env({"CONFCLIENT_CONFIG": str(elsewhere), "CONFCLIENT_PROFILE": "insights"})
    result = run("list", "-f", "ndjson")
    assert result.code == 0, result.err
    assert {json.loads(line)["provider"] for line in result.out.splitlines()} == {"twilio"}
    result = run("list", "--config", str(tmp_path / "missing.toml"))
    assert result.code == 2
    assert "missing.toml does not exist" in result.err


def test_broken_file_names_file_line_and_key(run: Run, clean_environment: Path) -> None:
    write(
        clean_environment / "confclient.toml",
        '[profiles.eu]\nprovider = "telnyx"\napi_key = "KEYsecret" "oops"\n',
    )
    result = run("list")
    assert result.code == 2
    assert len(result.err_lines) == 1
    line = result.err_lines[0]
    path = clean_environment / "confclient.toml"
    assert line.startswith(f"confclient: error: {path}:3:")
    assert "malformed TOML" in line
    assert "(key api_key)" in line
    assert "KEYsecret" not in line


@pytest.mark.confclient_sandbox(size=1)
@pytest.mark.usefixtures("keys")
def test_unknown_key_names_file_line_and_key(
    run: Run, clean_environment: Path, confclient_sandbox: ThreadedSandbox
) -> None:
    text = two_profiles(confclient_sandbox).replace(
        'region = "ie1"\n', 'region = "ie1"\npage_concurency = 4\n'
    )
    path = write(clean_environment / "confclient.toml", text)
    result = run("list", "--profile", "insights")
    assert result.code == 2
    (line,) = result.err_lines
    assert line.startswith(f"confclient: error: {path}:13: unknown key 'page_concurency'")
    assert "profile 'insights'" in line
    assert "account_sid" in line  # what it does take

    write(clean_environment / "confclient.toml", '[profiles.eu]\nprovider = "telnyx"\n[oops]\n')
    result = run("list")
    assert result.code == 2
    assert f"{path}:3: unknown key 'oops'" in result.err


@pytest.mark.confclient_sandbox(size=3)
@pytest.mark.usefixtures("keys")
def test_precedence_option_over_environment_over_file(
    run: Run, use_env: UseEnv, clean_environment: Path, confclient_sandbox: ThreadedSandbox
) -> None:
    # The file points at nothing; the environment at the sandbox: the environment wins.
    write(
        clean_environment / "confclient.toml",
        two_profiles(confclient_sandbox, telnyx_url=dead_url("/v2")),
    )
    use_env({"TELNYX_BASE_URL": confclient_sandbox.telnyx_base_url})
    result = run("list", "-f", "ndjson")
    assert result.code == 0, result.err
    assert len(result.out.splitlines()) == 3
    # An option beats the environment.
    result = run("list", "--base-url", dead_url("/v2"), "-o", "retry=false")
    assert result.code == 1
    assert "Cannot connect" in result.err


@pytest.mark.confclient_sandbox(size=2)
@pytest.mark.usefixtures("keys")
def test_a_profiles_variable_beats_the_providers_variable(
    run: Run, use_env: UseEnv, clean_environment: Path, confclient_sandbox: ThreadedSandbox
) -> None:
    """eu reads its key from SANDBOX_TELNYX_KEY: a TELNYX_API_KEY of another account in the
    environment is not used for it — and when the profile's variable is unset, the command
    says so instead of falling back to that other key."""
    write(clean_environment / "confclient.toml", two_profiles(confclient_sandbox))
    use_env({"TELNYX_API_KEY": "KEYanotheraccount"})
    assert run("list", "--profile", "eu").code == 0
    os.environ.pop("SANDBOX_TELNYX_KEY")
    result = run("list", "--profile", "eu")
    assert result.code == 2
    assert "profile 'eu' reads api_key from $SANDBOX_TELNYX_KEY, which is not set" in result.err
    # Without a profile, the provider's own variable is used.
    use_env({"TELNYX_BASE_URL": confclient_sandbox.telnyx_base_url})
    result = run("list", "--provider", "telnyx", "-r", "US")
    assert result.code == 3  # KEYanotheraccount is refused by the sandbox


@pytest.mark.confclient_sandbox(size=2)
@pytest.mark.usefixtures("keys")
def test_which_profile_or_provider(
    run: Run, use_env: UseEnv, clean_environment: Path, confclient_sandbox: ThreadedSandbox
) -> None:
    write(clean_environment / "confclient.toml", two_profiles(confclient_sandbox))
    use_env(confclient_sandbox.env("twilio"))  # sets CONFCLIENT_PROVIDER=twilio
    # The environment's provider beats the file's default_profile (eu is telnyx).
    result = run("list", "-f", "ndjson")
    assert {json.loads(line)["provider"] for line in result.out.splitlines()} == {"twilio"}
    # --profile beats the environment's provider.
    result = run("list", "--profile", "eu", "-f", "ndjson")
    assert {json.loads(line)["provider"] for line in result.out.splitlines()} == {"telnyx"}
    # --provider beats the environment's profile.
    use_env({"CONFCLIENT_PROFILE": "eu"})
    os.environ.pop("CONFCLIENT_PROVIDER")
    result = run("list", "--provider", "twilio", "-r", "us1", "-f", "ndjson")
    assert {json.loads(line)["provider"] for line in result.out.splitlines()} == {"twilio"}
    # Given together they must agree.
    result = run("list", "--provider", "twilio", "--profile", "eu")
    assert result.code == 2
    assert "profile 'eu'" in result.err
    assert "is for telnyx" in result.err


@pytest.mark.confclient_sandbox(size=1)
def test_profiles_command_never_shows_a_secret(
    run: Run, use_env: UseEnv, clean_environment: Path, confclient_sandbox: ThreadedSandbox
) -> None:
    token = confclient_sandbox.twilio_auth_token
    text = two_profiles(confclient_sandbox).replace(
        'auth_token_env = "SANDBOX_TWILIO_TOKEN"', f'auth_token = "{token}"'
    )
    write(clean_environment / "confclient.toml", text)
    result = run("profiles")
    assert result.code == 0, result.err
    assert token not in result.out
    assert "eu (default)  telnyx" in result.out
    assert "api_key   $SANDBOX_TELNYX_KEY (not set)" in result.out
    assert "auth_token   *** (literal in the file)" in result.out
    use_env({"SANDBOX_TELNYX_KEY": "x"})
    data = json.loads(run("profiles", "-f", "json").out)
    eu = next(p for p in data["profiles"] if p["name"] == "eu")
    assert eu["options"]["api_key"] == "$SANDBOX_TELNYX_KEY (set)"
    assert eu["default"] is True
    assert token not in json.dumps(data)
    # The literal secret works, and --debug does not print it either.
    result = run("--debug", "list", "--profile", "insights", "-f", "csv")
    assert result.code == 0, result.err
    assert token not in result.err
    assert "auth_token from" in result.err


def test_profiles_without_a_file(run: Run) -> None:
    result = run("profiles")
    assert result.code == 0
    assert "no configuration file" in result.err


# -- the command applies configuration as the library does ------------------------------------


class RecordingTelnyx(TelnyxConferenceService):
    """The Telnyx service, noting how the command calls it (the requests are real)."""

    calls: ClassVar[list[tuple[str, dict[str, Any], str | None]]] = []

    def list(self, **query: Any) -> Pager:
        self.calls.append(("list", query, self.default_region))
        return super().list(**query)

    async def get(self, id: str, **hint: Any) -> Conference:
        self.calls.append(("get", {"id": id, **hint}, self.default_region))
        return await super().get(id, **hint)

    async def create(self, **fields: Any) -> Conference:
        self.calls.append(("create", fields, self.default_region))
        return await super().create(**fields)


@pytest.fixture
def recording() -> Iterator[list[tuple[str, dict[str, Any], str | None]]]:
    confclient.register_provider("recording", RecordingTelnyx)
    RecordingTelnyx.calls.clear()
    yield RecordingTelnyx.calls
    confclient.unregister_provider("recording")


@pytest.mark.confclient_sandbox(size=2, seed=3)
@pytest.mark.usefixtures("keys")
def test_without_region_the_command_leaves_the_region_to_the_service(
    run: Run,
    use_env: UseEnv,
    clean_environment: Path,
    confclient_sandbox: ThreadedSandbox,
    recording: list[tuple[str, dict[str, Any], str | None]],
) -> None:
    """The profile's region is the service's default_region, as with connect(profile=);
    list, get and create without --region pass none (the service applies its default)."""
    text = two_profiles(confclient_sandbox).replace('provider = "telnyx"', 'provider = "recording"')
    write(clean_environment / "confclient.toml", text)
    record = confclient_sandbox.telnyx_records("US")[0]  # found from any default region
    assert run("list", "-f", "ndjson").code == 0
    assert run("get", record["id"], "-f", "json").code == 0
    assert run("create", "--call-control-id", "v3:x", "--name", "Made", "-f", "json").code == 0
    assert run("list", "--region", "US", "-f", "ndjson").code == 0
    assert run("get", record["id"], "--region", "US", "-f", "json").code == 0
    calls = [(op, "region" in args, args.get("region"), default) for op, args, default in recording]
    assert calls == [
        ("list", True, None, "Europe"),
        ("get", False, None, "Europe"),
        ("create", False, None, "Europe"),
        ("list", True, "US", "Europe"),
        ("get", True, "US", "Europe"),
    ]
    # $CONFCLIENT_REGION is the default region too (the environment beats the file).
    recording.clear()
    use_env({"CONFCLIENT_REGION": "middle east"})
    assert run("list", "-f", "ndjson").code == 0
    assert [(op, args["region"], default) for op, args, default in recording] == [
        ("list", None, "Middle East")
    ]
    result = run("--debug", "list", "-f", "ndjson")
    assert "default_region from $CONFCLIENT_REGION" in result.err


@pytest.mark.confclient_sandbox(size=1)
def test_profiles_refuses_a_misspelt_key(
    run: Run, clean_environment: Path, confclient_sandbox: ThreadedSandbox
) -> None:
    """confclient profiles reads the file like every other reader: a misspelt key is an
    error there too (it used to list the profile and exit 0)."""
    text = two_profiles(confclient_sandbox).replace(
        'region = "Europe"\n', 'region = "Europe"\npage_concurency = 4\n'
    )
    path = write(clean_environment / "confclient.toml", text)
    for argv in (["profiles"], ["profiles", "-f", "json"], ["list"]):
        result = run(*argv)
        assert result.code == 2, argv
        (line,) = result.err_lines
        assert line.startswith(
            f"confclient: error: {path}:6: unknown key 'page_concurency' in profile 'eu' "
            "(did you mean 'page_concurrency'?)"
        )
        assert result.out == ""

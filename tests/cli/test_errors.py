"""Exit codes (0 ok, 1 provider/transport, 2 usage, 3 authentication, 4 not found), one-line
errors carrying the provider's code, and --debug logging without secrets."""

from __future__ import annotations

import base64
import re
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from confclient import (
    AuthenticationError,
    ConfigurationError,
    FanOutError,
    NotFoundError,
    ServerError,
    TransportError,
    UnsupportedFilterError,
)
from confclient.cli._errors import describe_error, exit_code
from confclient.cli._errors import how_the_others_ended as _how_the_others_ended
from confclient.testing import ThreadedSandbox
from tests.cli.conftest import Result, Run

UseEnv = Callable[[dict[str, str]], None]


def one_error_line(result: Result) -> str:
    assert len(result.err_lines) == 1, result.err
    line = result.err_lines[0]
    assert line.startswith("confclient: error: ")
    assert "Traceback" not in result.err
    return line


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.confclient_sandbox(size=2)
def test_authentication_refused_exits_3(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env({**confclient_sandbox.env("telnyx"), "TELNYX_API_KEY": "KEYwrong"})
    result = run("list", "-r", "US")
    assert result.code == 3
    line = one_error_line(result)
    assert "telnyx HTTP 401 code 10009" in line
    assert line.startswith("confclient: error: [request ")

    use_env({**confclient_sandbox.env("twilio"), "TWILIO_AUTH_TOKEN": "0" * 32})
    result = run("get", confclient_sandbox.twilio_records("us1")[0]["conference_sid"])
    assert result.code == 3
    assert "twilio HTTP 401 code 20003" in one_error_line(result)


@pytest.mark.confclient_sandbox(size=2)
def test_every_region_refused_is_still_exit_3_on_one_line(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    """Each listing that failed is named once, the error they share is said once, and the
    line says the other listings were stopped (not that they succeeded)."""
    use_env({**confclient_sandbox.env("telnyx"), "TELNYX_API_KEY": "KEYwrong"})
    result = run("list", "--region", "all")
    assert result.code == 3
    line = one_error_line(result)
    # The first failure cancels the other listings: how many failed first varies.
    match = re.fullmatch(
        r"confclient: error: telnyx in (?P<regions>.+?) failed(?P<same> the same way)?: "
        r"\[request [0-9a-f-]+\] telnyx HTTP 401 code 10009: [^;()]+ "
        r"\((?P<failed>[1-4]) of 4 listings failed(?:; the other (?P<stopped>[1-3]) were stopped"
        r"|; the other 1 was stopped)?\)",
        line,
    )
    assert match, line
    regions = match["regions"].replace(" and ", ", ").split(", ")
    assert len(regions) == len(set(regions)) == int(match["failed"])
    assert set(regions) <= {"Australia", "Europe", "Middle East", "US"}
    assert bool(match["same"]) == (len(regions) > 1)
    assert line.count("code 10009") == 1


@pytest.mark.confclient_sandbox(size=2)
def test_not_found_exits_4(run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    result = run("get", "3fa85f64-5717-4562-b3fc-2c963f66afa6", "-r", "US")
    assert result.code == 4
    assert "telnyx HTTP 404 code 90058" in one_error_line(result)
    use_env(confclient_sandbox.env("twilio"))
    result = run("get", "CF" + "0" * 32)
    assert result.code == 4
    assert "twilio HTTP 404 code 20404" in one_error_line(result)


@pytest.mark.confclient_sandbox(size=2)
def test_provider_failure_exits_1(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("telnyx"))
    confclient_sandbox.queue_faults("500", "500")
    result = run("list", "-r", "US", "-o", "retry={max_attempts = 2, backoff_base = 0}")
    assert result.code == 1
    assert "telnyx HTTP 500" in one_error_line(result)
    assert confclient_sandbox.stats.faults["500"] == 2


def test_unreachable_host_exits_1(run: Run) -> None:
    result = run(
        "list",
        "--provider",
        "telnyx",
        "-o",
        "api_key=KEYx",
        "--base-url",
        f"http://127.0.0.1:{free_port()}/v2",
        "-o",
        "retry=false",
    )
    assert result.code == 1
    assert "Cannot connect" in one_error_line(result) or "connect" in result.err.lower()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["list"], "no provider: set CONFCLIENT_PROVIDER (one of"),
        (["list", "--provider", "mars"], "unknown provider 'mars'; available providers:"),
        (["list", "--provider", "telnyx"], "telnyx needs api_key: set TELNYX_API_KEY"),
        (["list", "--provider", "telnyx", "-o", "api_key=K", "-r", "Mars"], "region must be"),
        (["list", "--provider", "telnyx", "-o", "bogus=1", "-o", "api_key=K"], "bogus"),
        (["list", "--provider", "telnyx", "-o", "retry={max_attempts=0}"], "-o retry:"),
        (["list", "--profile", "eu"], "profile 'eu' asked for, but no configuration file"),
    ],
)
def test_configuration_and_bad_requests_exit_2(argv: list[str], message: str, run: Run) -> None:
    result = run(*argv)
    assert result.code == 2
    assert message in one_error_line(result)


def test_exit_code_mapping() -> None:
    auth = AuthenticationError(status=401, provider="p")
    missing = NotFoundError(status=404, provider="p")
    assert exit_code(auth) == 3
    assert exit_code(missing) == 4
    assert exit_code(ServerError(status=500, provider="p")) == 1
    assert exit_code(TransportError("down")) == 1
    assert exit_code(ConfigurationError("x")) == 2
    assert exit_code(UnsupportedFilterError("x")) == 2
    assert (
        exit_code(FanOutError("2 failed", [auth, AuthenticationError(status=403, provider="p")]))
        == 3
    )
    assert exit_code(FanOutError("2 failed", [auth, missing])) == 1


def test_error_lines_never_span_lines() -> None:
    error = TransportError("first line\nsecond   line")
    assert describe_error(error) == "first line second line"
    auth = AuthenticationError(status=401, provider="p")
    auth.confclient_source = "p:EU"  # type: ignore[attr-defined]
    group = FanOutError("1 of 2 listings failed: p:EU", [auth])
    assert describe_error(group) == "p in EU failed: p HTTP 401"


def test_failures_alike_are_said_once() -> None:
    def failure(source: str, error: Exception) -> Exception:
        error.confclient_source = source  # type: ignore[attr-defined]
        return error

    refused = [
        failure(f"p:{region}", AuthenticationError(status=401, provider="p", request_id=region))
        for region in ("EU", "US", "AU")
    ]
    down = failure("p:ME", TransportError("connection\nrefused"))
    group = FanOutError("4 of 5 listings failed", [refused[0], down, *refused[1:]])
    group.add_note("4 of 5 listings failed; the other 1 was stopped")
    assert describe_error(group) == (
        "p in EU, US and AU failed the same way: [request EU] p HTTP 401; "
        "p in ME failed: connection refused (4 of 5 listings failed; the other 1 was stopped)"
    )


@pytest.mark.confclient_sandbox(size=1)
async def test_the_other_listings_are_said_stopped_or_finished(
    confclient_sandbox: ThreadedSandbox,
) -> None:
    async with confclient_sandbox.connect("telnyx") as svc:
        finished = svc.list(region="US")
        await finished.collect()
        listings = [
            ("telnyx:US", finished),
            ("telnyx:Europe", svc.list(region="Europe")),  # never got to run
            ("telnyx:Australia", svc.list(region="Australia")),
            ("telnyx:Middle East", svc.list(region="Middle East")),
        ]
        refused = AuthenticationError(status=401, provider="telnyx")
        refused.confclient_source = "telnyx:Australia"  # type: ignore[attr-defined]
        group = FanOutError("1 of 4 listings failed", [refused])
        assert _how_the_others_ended(group, listings) == (
            "1 of 4 listings failed; 1 finished and 2 were stopped"
        )
        assert _how_the_others_ended(group, listings[1:]) == (
            "1 of 3 listings failed; the other 2 were stopped"
        )
        assert _how_the_others_ended(group, listings[:3:2]) == (
            "1 of 2 listings failed; the other 1 finished"
        )


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["list", "--provider", "telnyx"],
            'telnyx needs api_key: set TELNYX_API_KEY, or add api_key_env = "VARIABLE" to a '
            "profile (./confclient.toml); keep credentials off the command line (shell "
            "history, ps)",
        ),
        (
            ["get", "CF" + "0" * 32, "--provider", "twilio"],
            "twilio needs account_sid and auth_token: set TWILIO_ACCOUNT_SID and "
            'TWILIO_AUTH_TOKEN, or add account_sid_env = "VARIABLE" and auth_token_env = '
            '"VARIABLE" to a profile (./confclient.toml); keep credentials off the command line '
            "(shell history, ps)",
        ),
    ],
)
def test_missing_credentials_name_the_commands_own_means(
    argv: list[str], expected: str, run: Run
) -> None:
    """Not the library's Python advice (pass api_key=...): the variables and profile keys."""
    result = run(*argv)
    assert result.code == 2
    assert one_error_line(result) == f"confclient: error: {expected}"


def test_missing_credentials_of_a_profile_name_it(run: Run, tmp_path: Path) -> None:
    config = tmp_path / "conf.toml"
    config.write_text('[profiles.x]\nprovider = "twilio"\nregion = "ie1"\n')
    result = run("list", "--config", str(config), "--profile", "x")
    assert result.code == 2
    assert one_error_line(result) == (
        "confclient: error: twilio needs account_sid and auth_token: set TWILIO_ACCOUNT_SID "
        'and TWILIO_AUTH_TOKEN, or add account_sid_env = "VARIABLE" and auth_token_env = '
        f"\"VARIABLE\" to profile 'x' ({config}:1); keep credentials off the command line "
        "(shell history, ps)"
    )


@pytest.mark.confclient_sandbox(size=1)
def test_a_base_url_without_its_version_is_a_configuration_error(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    """Exit 2 and what is wrong: not exit 4, "not found", as for a missing conference."""
    use_env({**confclient_sandbox.env("telnyx"), "TELNYX_BASE_URL": confclient_sandbox.base_url})
    result = run("list", "-r", "US")
    assert result.code == 2
    assert one_error_line(result) == (
        "confclient: error: base_url must be the API root with its version, e.g. "
        f"https://api.telnyx.com/v2; got '{confclient_sandbox.base_url}/' (did you mean "
        f"{confclient_sandbox.telnyx_base_url}?)"
    )
    assert confclient_sandbox.stats.total_requests == 0


# -- --debug --------------------------------------------------------------------------------


@pytest.mark.confclient_sandbox(size=3)
@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_logs_requests_and_no_secret(
    where: str, run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    use_env(confclient_sandbox.env("twilio"))
    argv = ["list", "-r", "us1", "-f", "ndjson"]
    result = run("--debug", *argv) if where == "before" else run(*argv, "--debug")
    assert result.code == 0, result.err
    assert len(result.out.splitlines()) == 3
    assert "confclient GET http://127.0.0.1:" in result.err
    assert "/v1/Conferences?MixerRegion=us1" in result.err
    assert "-> 200 (attempt 1" in result.err
    assert "auth_token from $TWILIO_AUTH_TOKEN" in result.err
    basic = base64.b64encode(
        f"{confclient_sandbox.twilio_account_sid}:{confclient_sandbox.twilio_auth_token}".encode()
    ).decode()
    for secret in (confclient_sandbox.twilio_auth_token, basic):
        assert secret not in result.err
        assert secret not in result.out


@pytest.mark.confclient_sandbox(size=1)
def test_debug_redacts_a_secret_that_reaches_a_log_message(
    run: Run, use_env: UseEnv, confclient_sandbox: ThreadedSandbox
) -> None:
    """Defence in depth: even a URL carrying the key (a misconfiguration) is logged
    without it."""
    key = confclient_sandbox.telnyx_api_key
    use_env(confclient_sandbox.env("telnyx"))
    result = run("--debug", "list", "-r", "US", "--name", key, "-f", "ndjson")
    assert result.code == 0, result.err
    assert "confclient GET" in result.err
    assert key not in result.err
    # Masked by the transport (which redacts its secrets from what it logs) or, failing
    # that, by the command's own log filter.
    assert any(f"filter%5Bname%5D={mark}" in result.err for mark in ("<redacted>", "***"))

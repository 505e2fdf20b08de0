"""The pytest plugin used the way a user would: a small test suite of their own, run by
pytester with the plugin found through its entry point — sync tests, pytest-asyncio tests
with different loop scopes, anyio tests, and a run without any async plugin at all."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

INI_PLAIN = """
[pytest]
addopts = --strict-markers -p no:cacheprovider
filterwarnings = error
"""

SYNC_SUITE = """
import asyncio

import pytest

import confclient


async def count(sandbox, provider, region):
    async with sandbox.connect(provider) as svc:
        return len(await svc.list(region=region).collect())


@pytest.mark.confclient_sandbox(size=3, seed=5)
def test_both_providers_from_a_sync_test(confclient_sandbox):
    assert asyncio.run(count(confclient_sandbox, "telnyx", "Europe")) == 3
    assert asyncio.run(count(confclient_sandbox, "twilio", "us1")) == 3
    stats = confclient_sandbox.stats
    assert stats.total_requests == 2
    assert stats.requests["GET", "/v2/conferences"] == 1
    assert stats.requests["GET", "/v1/Conferences"] == 1


def test_code_that_reads_the_environment(confclient_sandbox, monkeypatch):
    for name, value in confclient_sandbox.env("twilio").items():
        monkeypatch.setenv(name, value)

    async def first():
        async with confclient.connect_from_env() as svc:
            return await svc.list(region="ie1", limit=1).collect()

    (conf,) = asyncio.run(first())
    assert conf.provider == "twilio"
    assert conf.data_region == "ie1"


@pytest.mark.confclient_sandbox(size=2, retry_after=0.01)
def test_faults_are_retried(confclient_sandbox):
    confclient_sandbox.queue_faults("503", "429")
    assert asyncio.run(count(confclient_sandbox, "telnyx", "US")) == 2
    assert confclient_sandbox.stats.faults == {"503": 1, "429": 1}
    assert confclient_sandbox.stats.total_requests == 3


def test_credentials_and_urls(confclient_sandbox):
    assert confclient_sandbox.telnyx_base_url.endswith("/v2")
    assert confclient_sandbox.twilio_base_url.endswith("/v1")
    assert confclient_sandbox.twilio_account_sid.startswith("AC")
    options = confclient_sandbox.options("telnyx")
    assert options == {
        "api_key": confclient_sandbox.telnyx_api_key,
        "base_url": confclient_sandbox.telnyx_base_url,
    }


@pytest.mark.confclient_sandbox(size=1, seed=4)
class TestMarkers:
    @pytest.mark.confclient_sandbox(seed=9)
    def test_the_closest_marker_wins(self, confclient_sandbox):
        assert (confclient_sandbox.size, confclient_sandbox.seed) == (1, 9)

    def test_the_class_marker(self, confclient_sandbox):
        assert (confclient_sandbox.size, confclient_sandbox.seed) == (1, 4)


def test_factory(confclient_sandbox_factory):
    one = confclient_sandbox_factory(seed=1)
    two = confclient_sandbox_factory(seed=2, size=2)
    assert one.telnyx_api_key != two.telnyx_api_key
    assert one.port != two.port
    assert asyncio.run(count(two, "telnyx", "Australia")) == 2


def test_a_test_without_the_sandbox():
    assert True
"""

ASYNCIO_SUITE = """
import pytest

pytestmark = pytest.mark.asyncio


@pytest.mark.confclient_sandbox(size=4)
async def test_function_loop(confclient_sandbox):
    async with confclient_sandbox.connect("twilio") as svc:
        items = await svc.list(region="de1").collect()
    assert len(items) == 4
    assert confclient_sandbox.stats.requests["GET", "/v1/Conferences"] == 1


@pytest.mark.asyncio(loop_scope="module")
async def test_module_loop(confclient_sandbox):
    confclient_sandbox.set_latency(1)  # a blocking call from inside the test's loop is fine
    async with confclient_sandbox.connect("telnyx") as svc:
        conf = (await svc.list(region="US", limit=1).collect())[0]
        again = await svc.get(conf.id, region="US")
    assert again.id == conf.id


@pytest.mark.asyncio(loop_scope="module")
async def test_module_loop_again(confclient_sandbox):
    async with confclient_sandbox.connect("telnyx") as svc:
        created = await svc.create(call_control_id="v3:x", name="Made in a test")
    assert confclient_sandbox.stats.created == 1
    assert confclient_sandbox.telnyx_records("US")[0]["id"] == created.id
"""

ANYIO_SUITE = """
import pytest


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
@pytest.mark.confclient_sandbox(size=2)
async def test_with_anyio(confclient_sandbox):
    async with confclient_sandbox.connect("twilio") as svc:
        assert len(await svc.list(region="de1").collect()) == 2
"""


README = Path(__file__).resolve().parents[2] / "README.md"

#: What README's example imports from the user's own code.
MYAPP_REPORTS = """
async def count_in_progress(svc, region):
    return len(await svc.list(region=region, status="in_progress").collect())
"""


def readme_block(language: str, first_line: str) -> str:
    """The README code block in ``language`` whose first line starts with ``first_line``."""
    blocks = re.findall(rf"^```{language}\n(.*?)^```", README.read_text("utf-8"), re.M | re.S)
    (block,) = [b for b in blocks if b.startswith(first_line)]
    return block


def test_a_users_suite_sync_asyncio_and_anyio(pytester: pytest.Pytester) -> None:
    """With README's pytest configuration, exactly (warnings made errors on top)."""
    pytester.makepyprojecttoml(readme_block("toml", "# pyproject.toml"))
    pytester.makepyfile(
        test_user_sync=SYNC_SUITE,
        test_user_asyncio=ASYNCIO_SUITE,
        test_user_anyio=ANYIO_SUITE,
    )
    result = pytester.runpytest("--strict-markers", "-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=12, warnings=0)


def test_readmes_pytest_example_runs_without_a_warning(pytester: pytest.Pytester) -> None:
    """README's pytest configuration and example test, verbatim, in a user's project: they
    pass, and nothing warns (pytest-asyncio warns when asyncio_default_fixture_loop_scope
    is unset)."""
    config = readme_block("toml", "# pyproject.toml")
    assert "[tool.pytest.ini_options]" in config
    pytester.makepyprojecttoml(config)
    pytester.mkpydir("myapp").joinpath("reports.py").write_text(MYAPP_REPORTS)
    pytester.makepyfile(
        test_conference_report=readme_block("python", "# tests/test_conference_report.py")
    )
    # In a process of its own: pytest-asyncio warns at configure time, on stderr, before
    # pytest collects warnings (in-process, the warning would land in this run instead).
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, warnings=0)
    assert "Warning" not in result.stderr.str(), result.stderr.str()


def test_a_suite_without_any_async_plugin(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI_PLAIN)
    pytester.makepyfile(test_user_plain=SYNC_SUITE)
    result = pytester.runpytest("-p", "no:asyncio", "-p", "no:anyio")
    result.assert_outcomes(passed=8)


def test_the_marker_is_registered_and_checked(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI_PLAIN)
    pytester.makepyfile(
        test_user_markers="""
        import pytest

        @pytest.mark.confclient_sandbox(5)
        def test_positional(confclient_sandbox):
            pass

        @pytest.mark.confclient_sandbox(colour="red")
        def test_unknown_option(confclient_sandbox):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:asyncio")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*TypeError: @pytest.mark.confclient_sandbox takes keyword options only*",
            "*TypeError: unknown sandbox option(s) colour; the sandbox takes: seed, size,*",
        ]
    )
    listed = pytester.runpytest("--markers", "-p", "no:asyncio")
    listed.stdout.fnmatch_lines(["@pytest.mark.confclient_sandbox(seed=0, size=100,*"])


def test_found_through_the_entry_point_in_a_fresh_process(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI_PLAIN)
    pytester.makepyfile(
        test_user_fresh="""
        import sys

        def test_the_plugin_is_loaded_but_not_the_sandbox():
            assert "confclient.testing" in sys.modules
            assert "confclient.sandbox" not in sys.modules
            assert "aiohttp.web" not in sys.modules

        def test_then_the_fixture(confclient_sandbox):
            assert confclient_sandbox.stats.total_requests == 0
            assert "confclient.sandbox" in sys.modules
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:asyncio", "-p", "no:anyio")
    result.assert_outcomes(passed=2)


def test_importing_the_plugin_is_cheap() -> None:
    code = (
        "import sys, confclient.testing\n"
        "heavy = [m for m in ('confclient.sandbox', 'aiohttp.web', 'click', 'rich') "
        "if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"

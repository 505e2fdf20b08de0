"""README.md's Python code blocks, run as written against the sandbox: one test per block,
named by the README line its fence opens on, so a stale snippet fails here, not for a user.

Tool: a small collector of our own (``tests/docs/_blocks.py``) rather than pytest-examples
(0.0.18). README's snippets await at top level (``async with confclient.connect(...)``) and must
run on the test's event loop, where the sandbox serves; pytest-examples executes a block as an
imported module file, where top-level ``await`` is a SyntaxError, and runs async code only by
``asyncio.run`` of a function the block names, on a loop of its own. Its print check expects
``#>`` comments README does not use, and what it adds beyond that (formatting and linting
snippets) is not what this test is for. Finding fenced blocks takes a few dozen lines.

How a block runs:

* A block that defines pytest tests or fixtures is a user's test file: pytester runs it as one
  (fixtures alone become a conftest, requested by a test added here), with the modules it
  imports from the reader's own app provided by :data:`READERS_MODULES`.
* Any other block is compiled with top-level ``await`` allowed and run on the test's loop, in a
  namespace holding what a reader has by that point of README (:func:`readers_names`):
  ``confclient``, their credentials (``KEY``, ``ACCOUNT_SID``, ...), an open ``svc``. Tracebacks
  point at README's own lines.
* Nothing in a block is altered to reach the sandbox: each service class's default base URL is
  the sandbox's for the test, the environment holds the sandbox's credentials (per provider), and
  ``$CONFCLIENT_CONFIG`` is README's own configuration file, so ``connect("telnyx",
  api_key=KEY)``, ``connect_from_env()`` and ``connect(profile="eu")`` all reach it.
* A block that calls ``connect_from_env()`` runs once per provider: the same code, two
  configurations.
* A web application a block defines is served and requested (:func:`exercise_web_app`), not only
  defined.
* What a block prints is checked when README shows it: a block labelled ``output`` next after
  the Python block holds the exact lines (for a block run once per provider, the lines that
  begin with that provider's name).
* A block that cannot run is marked in README right before its fence with
  ``<!-- not run by tests/docs: REASON -->`` and reported as skipped with that reason.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import os
import textwrap
import tomllib
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fastapi import FastAPI

import confclient
from confclient.sandbox import Sandbox
from tests._receiver import receiving

from ._blocks import CodeBlock, code_blocks

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKS = code_blocks(README)
PROVIDERS = ("telnyx", "twilio")

# Variables of the environment that could point a block elsewhere than this test's sandbox.
_ENV_PREFIXES = ("CONFCLIENT_", "TELNYX_", "TWILIO_")

READERS_MODULES = {
    # README's pytest example imports the code it tests from the reader's own application.
    "myapp/__init__.py": "",
    "myapp/reports.py": '''
        """The reader's code under test in README's pytest example."""


        async def count_in_progress(svc, region):
            n = 0
            async for _ in svc.list(region=region, status="in_progress"):
                n += 1
            return n
    ''',
}


def _syntax(block: CodeBlock) -> ast.Module:
    """The block's syntax tree; an empty one when it is no valid Python, so that the block is
    run as a snippet and its test fails with the SyntaxError at README's line."""
    try:
        return ast.parse(block.source)
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


def _defines_tests(block: CodeBlock) -> bool:
    """Whether the block is a test file: it defines ``test_*`` functions or pytest fixtures."""
    return bool(_tests_in(block) or _fixtures_in(block))


def _top_level_functions(block: CodeBlock) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    functions = ast.FunctionDef | ast.AsyncFunctionDef
    return [node for node in _syntax(block).body if isinstance(node, functions)]


def _tests_in(block: CodeBlock) -> list[str]:
    return [f.name for f in _top_level_functions(block) if f.name.startswith("test_")]


def _fixtures_in(block: CodeBlock) -> list[str]:
    def is_fixture(decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        return ast.unparse(target) in {"pytest.fixture", "fixture"}

    return [f.name for f in _top_level_functions(block) if any(map(is_fixture, f.decorator_list))]


def _calls_connect_from_env(block: CodeBlock) -> bool:
    return any(
        isinstance(node, ast.Call) and ast.unparse(node.func).endswith("connect_from_env")
        for node in ast.walk(_syntax(block))
    )


def _not_run(block: CodeBlock) -> list[pytest.MarkDecorator]:
    if block.not_run_reason is None:
        return []
    return [pytest.mark.skip(reason=f"{block.name}: {block.not_run_reason}")]


def _snippet_cases() -> Iterator[Any]:
    for block in BLOCKS:
        if not block.is_python or (block.not_run_reason is None and _defines_tests(block)):
            continue
        if block.not_run_reason is None and _calls_connect_from_env(block):
            for provider in PROVIDERS:
                yield pytest.param(
                    block, provider, id=f"{block.name}-{provider}", marks=_not_run(block)
                )
        else:
            yield pytest.param(block, PROVIDERS[0], id=block.name, marks=_not_run(block))


def _test_file_cases() -> Iterator[Any]:
    for block in BLOCKS:
        if block.is_python and block.not_run_reason is None and _defines_tests(block):
            yield pytest.param(block, id=block.name)


def shown_output(block: CodeBlock) -> list[str] | None:
    """The lines README shows ``block`` printing: the ``output`` block that follows it (with
    at most a sentence in between, no other block)."""
    index = BLOCKS.index(block)
    if index + 1 == len(BLOCKS) or BLOCKS[index + 1].language != "output":
        return None
    return BLOCKS[index + 1].source.splitlines()


def readme_config_file() -> CodeBlock:
    """README's example configuration file: its TOML block that starts by naming the file."""
    for block in BLOCKS:
        first_line = block.source.partition("\n")[0]
        if block.language == "toml" and first_line.startswith("#") and "config.toml" in first_line:
            return block
    raise AssertionError("README shows no configuration file (a toml block naming config.toml)")


def sandbox_credentials(sb: Sandbox) -> dict[str, dict[str, str]]:
    """Each provider's credential options, with the sandbox's values."""
    return {
        "telnyx": {"api_key": sb.telnyx_api_key},
        "twilio": {
            "account_sid": sb.twilio_account_sid,
            "auth_token": sb.twilio_auth_token,
            "api_key": sb.twilio_api_key,
            "api_secret": sb.twilio_api_secret,
        },
    }


def readers_environment(sb: Sandbox, provider: str, config: dict[str, Any]) -> dict[str, str]:
    """What a reader has exported to run against ``provider``: README's provider variables, and
    every variable README's configuration file reads an option from (``api_key_env = ...``)."""
    credentials = sandbox_credentials(sb)
    env = {
        "CONFCLIENT_PROVIDER": provider,
        "TELNYX_API_KEY": credentials["telnyx"]["api_key"],
        "TWILIO_ACCOUNT_SID": credentials["twilio"]["account_sid"],
        "TWILIO_AUTH_TOKEN": credentials["twilio"]["auth_token"],
        "TELNYX_PUBLIC_KEY": sb.telnyx_public_key,
    }
    for profile in config.get("profiles", {}).values():
        for key, variable in profile.items():
            if key.endswith("_env"):
                env[variable] = credentials[profile["provider"]][key.removesuffix("_env")]
    return env


def readers_names(sb: Sandbox, services: dict[str, confclient.ConferenceService]) -> dict[str, Any]:
    """The names README's snippets use without defining them: what a reader fills in (their
    credentials, a conference id) or has from an earlier block (``confclient``, ``svc``)."""
    credentials = sandbox_credentials(sb)
    return {
        "__name__": "readme",
        "confclient": confclient,
        "KEY": credentials["telnyx"]["api_key"],
        "ACCOUNT_SID": credentials["twilio"]["account_sid"],
        "AUTH_TOKEN": credentials["twilio"]["auth_token"],
        "API_KEY_SID": credentials["twilio"]["api_key"],
        "API_SECRET": credentials["twilio"]["api_secret"],
        "conf_id": sb.telnyx_records("Europe")[0]["id"],
        "PUBLIC_KEY": sb.telnyx_public_key,
        **_a_delivery(sb),
        "svc": services["telnyx"],
        "telnyx": services["telnyx"],
        "twilio": services["twilio"],
    }


def _a_delivery(sb: Sandbox) -> dict[str, Any]:
    """A webhook a reader has received (``headers``, ``body``, ``public_url``): a Telnyx
    event the sandbox signed."""
    public_url = "https://hooks.example.com/hooks/telnyx"
    body = (
        b'{"data":{"record_type":"event","event_type":"conference.created","id":"0ccc7b54",'
        b'"payload":{"conference_id":"41b9acd4","occurred_at":"2026-11-01T10:00:00Z"}}}'
    )
    headers = sb.emulator("telnyx").sign_webhook(public_url, body)  # type: ignore[attr-defined]
    return {"headers": headers, "body": body, "public_url": public_url}


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox() as sb:
        yield sb


@pytest.fixture
def pointed_at_sandbox(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> dict[str, Any]:
    """Every way README connects reaches ``sandbox``; returns README's configuration file,
    parsed, which ``$CONFCLIENT_CONFIG`` now names."""
    for provider in PROVIDERS:  # a service without base_url= reaches the sandbox
        service_class = confclient.load_provider(provider)
        base_url = getattr(sandbox, f"{provider}_base_url")
        monkeypatch.setattr(service_class, "default_base_url", base_url)
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES):
            monkeypatch.delenv(name)
    config_file = tmp_path / "config.toml"
    config_file.write_text(readme_config_file().source, encoding="utf-8")
    monkeypatch.setenv("CONFCLIENT_CONFIG", str(config_file))
    return tomllib.loads(config_file.read_text(encoding="utf-8"))


async def run_snippet(block: CodeBlock, namespace: dict[str, Any]) -> None:
    """Run ``block`` in ``namespace`` on the running loop, top-level ``await`` allowed. The
    code keeps README's line numbers and file name, so a traceback shows README's lines."""
    padded = "\n" * (block.first_code_line - 1) + block.source
    code = compile(
        padded,
        str(block.path),
        "exec",
        flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
        dont_inherit=True,  # not this module's `from __future__ import annotations`
    )
    outcome = eval(code, namespace)
    if code.co_flags & inspect.CO_COROUTINE:
        await outcome


@pytest.mark.parametrize(("block", "provider"), list(_snippet_cases()))
async def test_readme_snippet(
    block: CodeBlock,
    provider: str,
    sandbox: Sandbox,
    pointed_at_sandbox: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    for name, value in readers_environment(sandbox, provider, pointed_at_sandbox).items():
        monkeypatch.setenv(name, value)
    if "REDIS_URL" in block.source:  # README's Redis example: a real server
        monkeypatch.setenv("REDIS_URL", request.getfixturevalue("redis_url"))
    async with AsyncExitStack() as services_open:
        services = {
            name: await services_open.enter_async_context(sandbox.connect(name))
            for name in PROVIDERS
        }
        namespace = readers_names(sandbox, services)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            await run_snippet(block, namespace)
        shown = shown_output(block)
        if shown is not None:
            if _calls_connect_from_env(block):
                shown = [line for line in shown if line.split()[:1] == [provider]]
            assert printed.getvalue().splitlines() == shown, "README shows other output"
        apps = [v for v in namespace.values() if isinstance(v, web.Application | FastAPI)]
        for app in apps:
            if post_routes(app):  # a webhook receiver
                await exercise_webhook_app(app, sandbox)
                received = namespace.get("received")
                assert received is None or received, "on_event never ran"
            else:
                await exercise_web_app(app, services[provider])


def post_routes(app: web.Application | FastAPI) -> list[str]:
    """The paths of an app's POST routes (README's webhook receivers)."""
    if isinstance(app, web.Application):
        return [r.resource.canonical for r in app.router.routes() if r.method == "POST"]
    return [r.path for r in app.routes if "POST" in getattr(r, "methods", ())]


def webhook_routes(app: web.Application | FastAPI) -> list[str]:
    """The POST routes that name a provider (``/hooks/telnyx``): each is played a conference
    of that provider. (README's sandbox example plays to its own route itself.)"""
    return [path for path in post_routes(app) if any(p in path for p in PROVIDERS)]


async def exercise_webhook_app(app: web.Application | FastAPI, sb: Sandbox) -> None:
    """Play one conference of each route's provider (named in its path) to README's webhook
    receiver, duplicated and shuffled: every delivery must be answered 200 (a refused
    signature is 403, a failing handler 500)."""
    routes = webhook_routes(app)
    if not routes:
        return
    before = dict(sb.webhook_statuses)
    if isinstance(app, web.Application):
        async with TestServer(app) as server:  # on loopback; startup and cleanup run
            for path in routes:
                provider = next(p for p in PROVIDERS if p in path)
                sb.add_webhook(provider, str(server.make_url(path)))
                await sb.simulate_conference(provider, duplicates=0.3, shuffle=True)
    else:
        await _replay_to_asgi_app(app, sb, routes)
    answered = {k: v - before.get(k, 0) for k, v in sb.webhook_statuses.items()}
    answered = {k: v for k, v in answered.items() if v}
    assert set(answered) == {200}, answered


async def _replay_to_asgi_app(app: FastAPI, sb: Sandbox, routes: list[str]) -> None:
    """What the sandbox posts, captured on loopback, then sent as is to the ASGI app at the
    same URL (an ASGI app is requested in-process)."""
    captured: list[tuple[str, dict[str, str], bytes]] = []

    async def capture(request: web.Request) -> web.Response:
        captured.append((request.path_qs, dict(request.headers), await request.read()))
        return web.Response()

    async with receiving(*((path, capture) for path in routes)) as root:
        for path in routes:
            provider = next(p for p in PROVIDERS if p in path)
            sb.add_webhook(provider, root + path)
            await sb.simulate_conference(provider, duplicates=0.3)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=root) as client:
        for path_qs, headers, body in captured:
            answer = await client.post(path_qs, content=body, headers=headers)
            assert answer.status_code == 200, answer.text


async def exercise_web_app(
    app: web.Application | FastAPI, svc: confclient.ConferenceService
) -> None:
    """Serve README's web backend and request its route, with ``svc`` (the service the app
    should be using) as the expected answer. README's aiohttp.web app serves
    ``GET /conferences``, its FastAPI app ``GET /conferences/{conf_id}``."""
    if isinstance(app, web.Application):
        await _exercise_aiohttp_app(app, svc)
    else:
        await _exercise_fastapi_app(app, svc)


def _summary(conf: confclient.Conference) -> dict[str, str]:
    return {"id": conf.id, "name": conf.name or "", "status": conf.status.value}


async def _exercise_aiohttp_app(app: web.Application, svc: confclient.ConferenceService) -> None:
    region = svc.regions[0]
    async with TestClient(TestServer(app)) as client:  # on loopback; startup and cleanup run
        everywhere = await client.get("/conferences")
        in_region = await client.get("/conferences", params={"region": region})
        assert everywhere.status == 200, await everywhere.text()
        assert in_region.status == 200, await in_region.text()
        bodies = (await everywhere.json(), await in_region.json())
    expected = (
        [_summary(c) for c in await svc.list(limit=100).collect()],
        [_summary(c) for c in await svc.list(region=region, limit=100).collect()],
    )
    assert bodies == expected
    assert bodies[1]


async def _exercise_fastapi_app(app: FastAPI, svc: confclient.ConferenceService) -> None:
    (listed,) = await svc.list(limit=1).collect()
    missing = listed.id[:-1] + ("1" if listed.id[-1] == "0" else "0")  # well-formed, unknown
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),  # what an ASGI server runs at startup and shutdown
        httpx.AsyncClient(transport=transport, base_url="http://readme.test") as client,
    ):
        found = await client.get(f"/conferences/{listed.id}")
        absent = await client.get(f"/conferences/{missing}")
        app_service = app.state.conferences
    assert found.status_code == 200, found.text
    assert found.json() == _summary(listed)
    assert absent.status_code == 404, absent.text
    assert app_service.closed  # closed at shutdown


@pytest.mark.parametrize("block", list(_test_file_cases()))
def test_readme_test_file(block: CodeBlock, pytester: pytest.Pytester) -> None:
    """A block that is a user's test file runs under pytest as README says to run it."""
    # README: "this example runs with asyncio_mode = auto". The loop scope keeps pytest-asyncio
    # from warning until README shows that setting too (issue 11, point 7).
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    for relative, text in READERS_MODULES.items():
        path = pytester.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    pytester.syspathinsert()
    padding = "\n" * (block.first_code_line - 1)  # failures point at README's lines
    fixtures = _fixtures_in(block)
    if _tests_in(block):
        pytester.makepyfile(test_readme_block=padding + block.source)
    else:
        pytester.makeconftest(padding + block.source)
        pytester.makepyfile(
            test_readme_fixtures=f"def test_fixtures_set_up({', '.join(fixtures)}):\n"
            f"    assert None not in ({', '.join(fixtures)},)\n"
        )
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.OK, result.stdout.str() + result.stderr.str()
    outcomes = result.parseoutcomes()
    assert set(outcomes) <= {"passed", "warnings"}, outcomes
    assert outcomes["passed"] >= max(len(_tests_in(block)), 1)


def test_readme_has_runnable_python() -> None:
    """The collector finds README's Python blocks (the tests above run every one not marked)."""
    assert len([b for b in BLOCKS if b.is_python]) >= 10


def test_every_readme_block_has_a_known_language() -> None:
    """A Python block labelled differently (```py3, ```pycon) would escape the tests above."""
    known = {"python", "bash", "toml", "output", ""}
    assert {b.name: b.language for b in BLOCKS if b.language not in known} == {}

"""The ``confclient`` command group, and running it: the exit code of a command line.

Exit codes: 0 ok, 1 provider or transport error, 2 usage or configuration, 3 authentication,
4 not found, 130 interrupted. Errors are one line on stderr, with the provider's code.

The command applies configuration exactly as the library does: the service it connects
holds the default region (profile key ``region``, ``$CONFCLIENT_REGION``), and a command
without ``--region`` calls the service without one.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from confclient._version import __version__

from ._conference import create_command, get_command
from ._debug import DEBUG_LOG
from ._errors import EXIT_INTERRUPTED, EXIT_OK
from ._list import list_command
from ._listen import listen_command
from ._participants import participants_command
from ._providers import profiles_command, providers_command
from ._sandbox import demo_command, sandbox_command

__all__ = ["cli", "run"]


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="confclient", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Log every request to stderr (no secrets).")
def cli(debug: bool) -> None:
    """List, fetch and create voice conferences on any telephony provider.

    Credentials come from, strongest first: command-line options, the environment
    (CONFCLIENT_PROVIDER or CONFCLIENT_PROFILE, TELNYX_API_KEY, TWILIO_ACCOUNT_SID, ...),
    and configuration profiles (./confclient.toml, ~/.config/confclient/config.toml).

    The default region (where list, get and create look) is the profile's region or
    $CONFCLIENT_REGION; without one, list and get look in every region.

    Exit codes: 0 ok, 1 provider or network error, 2 usage or configuration,
    3 authentication refused, 4 not found, 130 interrupted (Ctrl-C).
    """
    if debug:
        DEBUG_LOG.enable()


for _command in (
    list_command,
    get_command,
    create_command,
    participants_command,
    providers_command,
    profiles_command,
    sandbox_command,
    demo_command,
    listen_command,
):
    cli.add_command(_command)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run_command(args)
    finally:
        DEBUG_LOG.reset()


def _run_command(args: list[str]) -> int:
    try:
        result = cli.main(args=args, prog_name="confclient", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return EXIT_INTERRUPTED
    return result if isinstance(result, int) else EXIT_OK

"""The ``cablegram`` command: thin click commands over the Python API.

Each command group lives in its own module and registers itself here, so that
parts of the system can be worked on without touching one another.
"""

from __future__ import annotations

import importlib
import sys

import click

from cablegram import __version__, _native
from cablegram.errors import CablegramError

# Modules that define commands; each exposes ``register(group)``.
COMMAND_MODULES = [
    "cablegram.cli.parse_cmd",
    "cablegram.cli.archive_cmd",
    "cablegram.cli.search_cmd",
    "cablegram.cli.web_cmd",
    "cablegram.cli.user_cmd",
    "cablegram.cli.synth_cmd",
    "cablegram.cli.messaging_cmd",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cablegram",
                      message=f"%(prog)s %(version)s; hot modules {_native.MODE}: "
                              f"{_native.REASON}")
def cli() -> None:
    """Diplomatic cables: read every published form, archive, search and send them."""


for _name in COMMAND_MODULES:
    try:
        importlib.import_module(_name).register(cli)
    except ModuleNotFoundError as exc:  # a part not yet built, or an optional extra missing
        if exc.name is None or not exc.name.startswith("cablegram"):
            raise


def main() -> None:
    """Entry point: map cablegram errors to their exit codes, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CablegramError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)

"""Option bundles shared by commands, so that every command spells them alike.

``@archive_option`` adds ``--archive URL`` (default ``$CABLEGRAM_ARCHIVE`` or
``./cablegram.db``), ``@as_option`` adds ``--as NAME`` (the principal to act
as; the archive owner when absent), ``@json_option`` adds ``--json``.
:func:`open_for` and :func:`principal_for` turn their values into objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import click

from cablegram.access.principal import Principal

F = TypeVar("F", bound=Callable[..., Any])

archive_option: Callable[[F], F] = click.option(
    "--archive", "archive_url", metavar="URL", envvar="CABLEGRAM_ARCHIVE", default=None,
    help="Archive: a SQLite path, sqlite:///path or postgresql://... "
         "[default: $CABLEGRAM_ARCHIVE or ./cablegram.db]")
as_option: Callable[[F], F] = click.option(
    "--as", "as_name", metavar="NAME", default=None,
    help="Act as this user (or 'public'); by default the archive owner, who sees everything.")
json_option: Callable[[F], F] = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def open_for(url: str | None, *, create: bool = True) -> Any:
    """The archive at ``url`` (the command's ``--archive``). Read-only commands
    pass ``create=False``, so a mistyped path is an error, not a new archive."""
    from cablegram.archive import open_archive

    return open_archive(url, create=create)


def principal_for(archive: Any, name: str | None) -> Principal:
    """``--as NAME`` as a Principal; the owner when no name is given."""
    if name is None:
        return Principal.archive_owner()
    try:
        from cablegram.access.users import resolve_principal
    except ImportError as exc:
        raise click.UsageError("--as needs the access module (cablegram.access.users), "
                               "which is not installed in this build") from exc
    return resolve_principal(archive, name)


# C0 and C1 control characters except newline and tab: cable text is untrusted,
# and an escape sequence must not reach the terminal.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe_text(text: str) -> str:
    """Untrusted text made safe for a terminal (controls shown as U+FFFD)."""
    return _CONTROL_RE.sub("\ufffd", text)

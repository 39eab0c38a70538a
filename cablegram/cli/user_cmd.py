"""``cablegram user|token|audit|policy``: access administration (access control issue).

Thin commands over :mod:`cablegram.access.users`, :mod:`~cablegram.access.audit`
and :mod:`~cablegram.access.redact`. Every change is itself written to the
audit log (action ``admin``, address ``cli``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from cablegram.access import audit, users
from cablegram.access.principal import Principal, decide, decide_paragraph, decide_partial
from cablegram.access.redact import POLICIES, get_policy, set_policy
from cablegram.errors import CablegramError

F = TypeVar("F", bound=Callable[..., Any])


def archive_option(f: F) -> F:
    return click.option(
        "--archive", "archive_url", envvar="CABLEGRAM_ARCHIVE", default=None,
        help="Archive URL or path (default: $CABLEGRAM_ARCHIVE, else ./cablegram.db).")(f)


@contextmanager
def _archive(url: str | None) -> Iterator[Any]:
    from cablegram.archive import open_archive

    archive = open_archive(url)
    try:
        yield archive
    finally:
        archive.close()


def _admin(archive: Any, what: str, target: str, detail: dict[str, Any] | None = None) -> None:
    audit.record(archive.db, "owner", audit.ADMIN, target, what, "cli", detail or {})


def _read_password() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise CablegramError("--password-stdin: no password on standard input")
    return line


def _grant_options(f: F) -> F:
    f = click.option("--releaser", "releasers", multiple=True, metavar="POST",
                     help="Release authority for POST (repeatable).")(f)
    f = click.option("--post", "posts", multiple=True, metavar="POST",
                     help="Member of POST or office, by name or RI (repeatable).")(f)
    return click.option("--caveat", "caveats", multiple=True, metavar="X",
                        help="Caveat authorisation: NOFORN, NODIS, EXDIS, LIMDIS, a "
                             "channel caption... (repeatable).")(f)


def _show(u: users.User) -> str:
    d = u.as_dict()
    parts = [f"{u.name}: {d['clearance']}"]
    for key, label in (("caveats", "caveats"), ("posts", "posts"), ("releaser_for", "releaser")):
        if d[key]:
            parts.append(f"{label} {', '.join(d[key])}")
    if not u.has_password:
        parts.append("no password")
    return "; ".join(parts)


# -- user -----------------------------------------------------------------------------------


@click.group("user")
def user_group() -> None:
    """Users: clearance, caveats, posts, release authority, password."""


@user_group.command("add")
@click.argument("name")
@click.option("--clearance", required=True, metavar="LEVEL",
              help="UNCLASSIFIED, CONFIDENTIAL, SECRET or TOP SECRET.")
@_grant_options
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@archive_option
def user_add(name: str, clearance: str, caveats: tuple[str, ...], posts: tuple[str, ...],
             releasers: tuple[str, ...], password_stdin: bool, archive_url: str | None) -> None:
    """Create user NAME."""
    password = _read_password() if password_stdin else None
    with _archive(archive_url) as a:
        u = users.add_user(a, name, clearance, caveats=caveats, posts=posts,
                           releaser_for=releasers, password=password)
        _admin(a, "user add", name, u.as_dict())
    click.echo(f"added {_show(u)}")


@user_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
@archive_option
def user_list(as_json: bool, archive_url: str | None) -> None:
    """List the users."""
    with _archive(archive_url) as a:
        us = users.list_users(a)
    if as_json:
        click.echo(json.dumps([u.as_dict() for u in us], indent=2))
    else:
        for u in us:
            click.echo(_show(u))


@user_group.command("grant")
@click.argument("name")
@_grant_options
@click.option("--clearance", default=None, metavar="LEVEL", help="Set the clearance.")
@archive_option
def user_grant(name: str, caveats: tuple[str, ...], posts: tuple[str, ...],
               releasers: tuple[str, ...], clearance: str | None,
               archive_url: str | None) -> None:
    """Add caveats, posts or release authority to NAME, or change the clearance."""
    with _archive(archive_url) as a:
        u = users.grant(a, name, caveats=caveats, posts=posts, releaser_for=releasers,
                        clearance=clearance)
        _admin(a, "user grant", name, u.as_dict())
    click.echo(_show(u))


@user_group.command("revoke")
@click.argument("name")
@_grant_options
@archive_option
def user_revoke(name: str, caveats: tuple[str, ...], posts: tuple[str, ...],
                releasers: tuple[str, ...], archive_url: str | None) -> None:
    """Remove caveats, posts or release authority from NAME."""
    with _archive(archive_url) as a:
        u = users.revoke(a, name, caveats=caveats, posts=posts, releaser_for=releasers)
        _admin(a, "user revoke", name, u.as_dict())
    click.echo(_show(u))


@user_group.command("remove")
@click.argument("name")
@archive_option
def user_remove(name: str, archive_url: str | None) -> None:
    """Delete user NAME with their tokens and sessions."""
    with _archive(archive_url) as a:
        users.remove_user(a, name)
        _admin(a, "user remove", name)
    click.echo(f"removed {name}")


@user_group.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the new password from standard input.")
@archive_option
def user_passwd(name: str, password_stdin: bool, archive_url: str | None) -> None:
    """Set the password of NAME."""
    password = _read_password()
    with _archive(archive_url) as a:
        users.set_password(a, name, password)
        _admin(a, "user passwd", name)
    click.echo(f"password of {name} set")


@user_group.command("check")
@click.argument("name")
@click.argument("reference_id")
@click.option("--json", "as_json", is_flag=True)
@archive_option
def user_check(name: str, reference_id: str, as_json: bool, archive_url: str | None) -> None:
    """Explain whether NAME may read REFERENCE_ID, whole and portion by portion."""
    with _archive(archive_url) as a:
        who = users.resolve_principal(a, name)
        cable = a.get(reference_id, Principal.archive_owner()).cable
        policy = get_policy(a.db)
    whole = decide(who, cable)
    part = decide_partial(who, cable)
    paras = [{"number": p.number, "marking": p.marking,
              "allowed": (d := decide_paragraph(who, cable, p)).allowed, "reason": d.reason}
             for p in cable.paragraphs]
    if as_json:
        click.echo(json.dumps({"principal": who.name, "reference_id": reference_id,
                               "policy": policy, "allowed": whole.allowed,
                               "reason": whole.reason, "partly_released": part.allowed
                               and not whole.allowed and policy == "portion",
                               "paragraphs": paras}, indent=2))
        return
    verdict = "may read" if whole.allowed else "may not read"
    click.echo(f"{who.name} {verdict} {reference_id}: {whole.reason} (policy {policy})")
    if not whole.allowed and policy == "portion" and part.allowed:
        click.echo("released in part:")
    for p in paras:
        mark = f"({p['marking']})" if p["marking"] else "(unmarked)"
        state = "released" if p["allowed"] else f"withheld: {p['reason']}"
        click.echo(f"  {p['number'] if p['number'] is not None else '-'}. {mark} {state}")


# -- token ----------------------------------------------------------------------------------


@click.group("token")
def token_group() -> None:
    """API tokens (sent as ``Authorization: Bearer TOKEN``)."""


@token_group.command("create")
@click.argument("name")
@click.option("--label", default=None, help="What the token is for.")
@archive_option
def token_create(name: str, label: str | None, archive_url: str | None) -> None:
    """Create a token for NAME; it is printed once, as the last word."""
    with _archive(archive_url) as a:
        token = users.create_token(a, name, label)
        _admin(a, "token create", name, {"label": label})
    click.echo(f"token for {name} (shown once, keep it safe): {token}")


@token_group.command("list")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True)
@archive_option
def token_list(name: str | None, as_json: bool, archive_url: str | None) -> None:
    """List tokens (by id; the tokens themselves are not kept)."""
    with _archive(archive_url) as a:
        ts = users.list_tokens(a, name)
    if as_json:
        click.echo(json.dumps(ts, indent=2))
    else:
        for t in ts:
            click.echo(f"{t['id']}  {t['name']}  {t['created_at']}  {t['label'] or ''}".rstrip())


@token_group.command("revoke")
@click.argument("token_or_id")
@archive_option
def token_revoke(token_or_id: str, archive_url: str | None) -> None:
    """Revoke a token, given the token or its id from ``token list``."""
    with _archive(archive_url) as a:
        users.revoke_token(a, token_or_id)
        _admin(a, "token revoke", token_or_id[:12])
    click.echo("token revoked")


# -- audit ----------------------------------------------------------------------------------


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit log."""


@audit_group.command("verify")
@archive_option
def audit_verify(archive_url: str | None) -> None:
    """Check the hash chain; exit 1 naming the first bad entry."""
    with _archive(archive_url) as a:
        v = audit.verify(a.db)
    if v.ok:
        click.echo(str(v))
        return
    click.echo(str(v), err=True)
    sys.exit(1)


@audit_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON lines, one entry a line.")
@click.option("--principal", default=None, help="Only entries of this principal.")
@click.option("--action", default=None, help="Only this action (read, search, deny, "
              "login, login-failed, admin).")
@click.option("--since", default=0, type=int, help="Only entries after this sequence number.")
@click.option("--limit", default=None, type=int)
@archive_option
def audit_list(as_json: bool, principal: str | None, action: str | None, since: int,
               limit: int | None, archive_url: str | None) -> None:
    """Show audit entries in order."""
    with _archive(archive_url) as a:
        es = audit.entries(a.db, since=since, limit=limit, principal=principal, action=action)
    for e in es:
        if as_json:
            click.echo(json.dumps(e.as_dict(), ensure_ascii=False))
        else:
            click.echo(f"{e.seq:>6} {e.at} {e.principal} {e.action} {e.target} "
                       f"[{e.view} from {e.address}] {e.detail}".rstrip())


# -- policy ---------------------------------------------------------------------------------


@click.group("policy")
def policy_group() -> None:
    """The archive's release policy: whole-cable (default) or portion."""


@policy_group.command("set")
@click.argument("policy", type=click.Choice(POLICIES))
@archive_option
def policy_set(policy: str, archive_url: str | None) -> None:
    """Set the release policy."""
    with _archive(archive_url) as a:
        set_policy(a.db, policy)
        _admin(a, "policy set", policy)
        # its searches read the index's portion fields: build them now, not in the
        # first reader's search
        indexed = a.index_portions() if policy == "portion" else 0
    click.echo(f"release policy: {policy}")
    if indexed:
        click.echo(f"search index rebuilt with portion fields: {indexed} cables")


@policy_group.command("show")
@archive_option
def policy_show(archive_url: str | None) -> None:
    """Print the release policy."""
    with _archive(archive_url) as a:
        click.echo(get_policy(a.db))


def register(group: click.Group) -> None:
    for g in (user_group, token_group, audit_group, policy_group):
        group.add_command(g)

"""Messaging commands: directory, draft validate, release, relay, inbox, ack, outbox,
alerts, gaps, retransmit, queue. Thin wrappers over :mod:`cablegram.messaging`."""

from __future__ import annotations

import hashlib
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from cablegram.cli.options import archive_option, as_option, json_option, open_for, principal_for
from cablegram.cli.options import safe_text as _safe
from cablegram.errors import AccessDenied, MessagingError, ValidationError
from cablegram.messaging import inbox as inbox_mod
from cablegram.messaging.directory import Directory
from cablegram.messaging.draft import load_draft
from cablegram.messaging.relay import BATCH, deliver_batch, forward, relay_forever, relay_once
from cablegram.messaging.release import get_draft, list_drafts, release, save_draft
from cablegram.messaging.schema import ensure_schema
from cablegram.messaging.transport_sqlite import SqliteTransport
from cablegram.messaging.validate import validate


class _Ctx:
    """The archive, its Db, the directory and the transport of one command."""

    def __init__(self, url: str | None) -> None:
        self.archive = open_for(url)
        self.db = self.archive.db
        ensure_schema(self.db)
        self.directory = Directory(self.db)
        self._transport: SqliteTransport | None = None

    @property
    def transport(self) -> SqliteTransport:
        if self._transport is None:
            if self.db.dialect != "sqlite":
                raise MessagingError("the message transport needs a SQLite archive "
                                     "(the PostgreSQL transport is not built yet)")
            self._transport = SqliteTransport(self.db)
        return self._transport

    def post(self, text: str) -> str:
        return self.directory.require(text).pla

    def staff_post(self, text: str, as_name: str | None) -> str:
        """The post's PLA, when the principal works there (or is the owner)."""
        addr = self.directory.require(text)
        principal = principal_for(self.archive, as_name)
        names = {addr.pla, addr.ri or "", addr.origin or ""} - {""}
        if not principal.owner and not ({p.upper() for p in principal.posts} & names):
            raise AccessDenied(f"{principal.name} is not on the staff of {addr.pla}")
        return addr.pla


def _echo_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False))


# -- directory -----------------------------------------------------------------

@click.group("directory")
def directory_group() -> None:
    """The post directory: RIs, plain-language addresses, collectives."""


@directory_group.command("list")
@archive_option
@json_option
@click.option("--kind", default=None, help="Only this kind (embassy, collective, foreign ...).")
def directory_list(archive_url: str | None, as_json: bool, kind: str | None) -> None:
    """List the directory."""
    ctx = _Ctx(archive_url)
    rows = ctx.directory.all(kind)
    if as_json:
        _echo_json([a.as_dict() for a in rows])
        return
    for a in rows:
        flag = " foreign" if a.foreign else ""
        click.echo(f"{a.ri or '-':8} {_safe(a.pla):45} {a.kind}{flag}")


@directory_group.command("show")
@archive_option
@json_option
@click.argument("address")
def directory_show(archive_url: str | None, as_json: bool, address: str) -> None:
    """Show one address (by PLA, RI or origin) and a collective's members."""
    ctx = _Ctx(archive_url)
    a = ctx.directory.require(address)
    members = [m.pla for m in ctx.directory.members(a.pla)] if a.collective else []
    same_ri = [x.pla for x in ctx.directory.by_ri(a.ri)] if a.ri else []
    if as_json:
        _echo_json({**a.as_dict(), "members": members, "same_ri": same_ri})
        return
    click.echo(f"PLA:     {_safe(a.pla)}\nRI:      {a.ri or '-'}\norigin:  {a.origin or '-'}\n"
               f"kind:    {a.kind}\nforeign: {'yes' if a.foreign else 'no'}\nsource:  {a.source}")
    for m in members:
        click.echo(f"  member: {_safe(m)}")


@directory_group.command("add")
@archive_option
@click.argument("pla")
@click.option("--ri", default=None, help="Routing indicator (H7).")
@click.option("--origin", default=None, help="Message reference origin, e.g. OSLO.")
@click.option("--kind", default=None, help="embassy, consulate, mission, military, foreign...")
@click.option("--foreign/--us", "foreign", default=None,
              help="A non-US entity (NOFORN traffic may not go there).")
@click.option("--member", "members", multiple=True, help="For a collective: a member PLA.")
def directory_add(archive_url: str | None, pla: str, ri: str | None, origin: str | None,
                  kind: str | None, foreign: bool | None, members: tuple[str, ...]) -> None:
    """Add or replace an address (a collective when --member is given)."""
    ctx = _Ctx(archive_url)
    a = ctx.directory.add(pla, ri, origin=origin, kind=kind, foreign=foreign, members=members)
    click.echo(f"added {a.pla} ({a.ri or 'no RI'}, {a.kind})")


@directory_group.command("import")
@archive_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def directory_import(archive_url: str | None, file: str) -> None:
    """Import RI,NAME rows (route2name.csv) or a posts.csv file."""
    result = _Ctx(archive_url).directory.import_file(file)
    click.echo(f"imported {result.new} new addresses from {file}; "
               f"{len(result.skipped)} rows skipped")
    for line, reason in result.skipped:
        click.echo(f"{file}:{line}: skipped: {_safe(reason)}", err=True)


@directory_group.command("learn")
@archive_option
def directory_learn(archive_url: str | None) -> None:
    """Add the RI/address pairs seen on archived cables' addressee lines."""
    from cablegram.access.principal import Principal

    ctx = _Ctx(archive_url)
    n = ctx.directory.learn_from(ctx.archive.export("", Principal.archive_owner()))
    click.echo(f"learned {n} new addresses from the archive")


# -- drafts and release ----------------------------------------------------------

@click.group("draft")
def draft_group() -> None:
    """Drafts: telegram text (or JSON) without the numbers release assigns."""


@draft_group.command("validate")
@archive_option
@json_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def draft_validate(archive_url: str | None, as_json: bool, file: str) -> None:
    """Check a draft against every rule (docs/messaging.md); exit 65 on errors."""
    ctx = _Ctx(archive_url)
    text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    report = validate(load_draft(text, file), ctx.directory)
    if as_json:
        _echo_json({"ok": report.ok, "problems": [p.as_dict() for p in report.problems]})
    else:
        for line in report.lines():
            click.echo(_safe(line))
        click.echo(f"{file}: {len(report.errors)} error(s), {len(report.warnings)} warning(s)",
                   err=True)
    if not report.ok:
        sys.exit(ValidationError.exit_code)


@draft_group.command("save")
@archive_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def draft_save(archive_url: str | None, file: str) -> None:
    """Keep a draft in the archive; release it later with `release draft:ID`."""
    ctx = _Ctx(archive_url)
    text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    click.echo(f"saved draft:{save_draft(ctx.db, text)}")


@draft_group.command("list")
@archive_option
@json_option
def draft_list(archive_url: str | None, as_json: bool) -> None:
    """Saved and released drafts."""
    rows = list_drafts(_Ctx(archive_url).db)
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        click.echo(f"draft:{r['id']:<5} {r['status']:9} {r['reference_id'] or '-':16} "
                   f"{_safe(r['subject'] or '')}")


@draft_group.command("show")
@archive_option
@click.argument("draft_id", type=int)
def draft_show(archive_url: str | None, draft_id: int) -> None:
    """Print a saved draft's text."""
    text, _, _ = get_draft(_Ctx(archive_url).db, draft_id)
    click.echo(_safe(text), nl=False)


@click.command("release")
@archive_option
@as_option
@json_option
@click.argument("file")
def release_cmd(archive_url: str | None, as_name: str | None, as_json: bool, file: str) -> None:
    """Release a draft (FILE, - for stdin, or draft:ID) as USER: number it, archive it and
    queue its deliveries."""
    ctx = _Ctx(archive_url)
    principal = principal_for(ctx.archive, as_name)
    draft_id = None
    if file.startswith("draft:") and file[6:].isdigit():
        draft_id = int(file[6:])
        text, _, _ = get_draft(ctx.db, draft_id)
    elif file == "-":
        text = sys.stdin.read()
    elif Path(file).is_file():
        text = Path(file).read_text(encoding="utf-8")
    else:
        raise click.BadParameter(f"no such file: {file}", param_hint="FILE")
    r = release(ctx.db, text, principal, ctx.transport, archive=ctx.archive, source=file,
                draft_id=draft_id)
    if as_json:
        _echo_json(r.as_dict())
    else:
        click.echo(f"released {r.reference_id} ({r.mrn}, {r.dtg}): "
                   f"{len(r.deliveries)} deliveries queued")


# -- relay, inbox, alerts ----------------------------------------------------------

@click.command("relay")
@archive_option
@click.option("--once", is_flag=True, help="Deliver what is queued, then exit.")
@click.option("--batch", default=BATCH, show_default=True, help="Deliveries per transaction.")
@click.option("--nats", "nats_url", default=None, metavar="URL",
              help="Carry deliveries over NATS JetStream (nats://127.0.0.1:4222): the archive's "
                   "queue is forwarded to NATS, and NATS delivers to the inboxes.")
def relay_cmd(archive_url: str | None, once: bool, batch: int, nats_url: str | None) -> None:
    """Deliver queued cables to the posts' inboxes, highest precedence first."""
    ctx = _Ctx(archive_url)
    if nats_url:
        _relay_nats(ctx, nats_url, once, batch)
        return
    if once:
        click.echo(f"delivered {relay_once(ctx.db, ctx.transport, limit=batch)}")
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo("relay: running (Ctrl-C to stop)", err=True)
    try:
        n = relay_forever(ctx.db, ctx.transport, stop=stop, limit=batch)
    except KeyboardInterrupt:
        n = 0
    click.echo(f"relay: stopped after {n} deliveries", err=True)


def _relay_nats(ctx: _Ctx, url: str, once: bool, batch: int) -> None:
    from cablegram.messaging.transport_nats import NatsTransport

    # one stream per archive: two archives on one server must not share deliveries
    queue = "a" + hashlib.sha256(str(ctx.archive.url).encode()).hexdigest()[:12]
    nats = NatsTransport(url, queue=queue)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    total = 0
    try:
        while not stop.is_set():
            moved = forward(ctx.transport, nats, limit=batch)
            n = deliver_batch(ctx.db, nats, batch)
            total += n
            if once and not moved and not n and not nats.pending():
                break
            if not moved and not n:
                stop.wait(0.05)
    except KeyboardInterrupt:
        pass
    finally:
        nats.close()
    click.echo(f"delivered {total}")


@click.command("inbox")
@archive_option
@as_option
@json_option
@click.option("--unacked", is_flag=True, help="Only deliveries not yet acknowledged.")
@click.argument("post")
def inbox_cmd(archive_url: str | None, as_name: str | None, as_json: bool, unacked: bool,
              post: str) -> None:
    """A post's inbox, highest precedence first."""
    ctx = _Ctx(archive_url)
    mine = ctx.staff_post(post, as_name)
    items = inbox_mod.inbox(ctx.db, mine, unacked_only=unacked)
    if as_json:
        _echo_json([i.as_dict() for i in items])
        return
    for i in items:
        d = i.delivery
        ack = "ACK NEEDED" if i.needs_ack else ("acked" if i.acked_at else "")
        click.echo(f"{d.precedence.word:16} {d.reference_id:18} MCN {d.mcn or '-':10} "
                   f"from {_safe(d.originator)}  {ack}")


@click.command("ack")
@archive_option
@as_option
@click.argument("post")
@click.argument("reference_id")
def ack_cmd(archive_url: str | None, as_name: str | None, post: str,
            reference_id: str) -> None:
    """Acknowledge receipt of a cable at a post (FLASH and NIACT need it)."""
    ctx = _Ctx(archive_url)
    mine = ctx.staff_post(post, as_name)
    inbox_mod.ack(ctx.db, mine, reference_id.upper())
    click.echo(f"acknowledged {reference_id.upper()} at {mine}")


@click.command("outbox")
@archive_option
@as_option
@json_option
@click.argument("post")
def outbox_cmd(archive_url: str | None, as_name: str | None, as_json: bool,
               post: str) -> None:
    """What a post sent, with each delivery's state."""
    ctx = _Ctx(archive_url)
    mine = ctx.staff_post(post, as_name)
    rows = inbox_mod.outbox(ctx.db, mine)
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        click.echo(f"{r['reference_id']:18} {r['precedence']:16} -> {_safe(r['destination']):32} "
                   f"MCN {r['mcn'] or '-':10} {r['state']}")


@click.command("alerts")
@archive_option
@json_option
def alerts_cmd(archive_url: str | None, as_json: bool) -> None:
    """FLASH and NIACT deliveries unacknowledged beyond their objective."""
    ctx = _Ctx(archive_url)
    found = inbox_mod.alerts(ctx.db)
    if as_json:
        _echo_json([a.as_dict() for a in found])
        return
    for a in found:
        click.echo(f"ALERT {a.precedence.word} {a.reference_id} to {_safe(a.destination)}: "
                   f"{a.state} after {a.age_seconds / 60:.0f} min")
    if not found:
        click.echo("no alerts")


@click.command("gaps")
@archive_option
@as_option
@json_option
@click.argument("post")
def gaps_cmd(archive_url: str | None, as_name: str | None, as_json: bool,
             post: str) -> None:
    """Missing and duplicate continuity numbers in a post's series (H9)."""
    ctx = _Ctx(archive_url)
    mine = ctx.staff_post(post, as_name)
    found = inbox_mod.gaps(ctx.db, mine)
    if as_json:
        _echo_json([g.as_dict() for g in found])
        return
    for g in found:
        click.echo(f"from {_safe(g.originator)}: missing {', '.join(g.missing) or '-'}; "
                   f"duplicates {', '.join(g.duplicates) or '-'}")
    if not found:
        click.echo("no gaps")


@click.command("retransmit")
@archive_option
@as_option
@click.argument("post")
@click.argument("originator")
@click.argument("mcn")
def retransmit_cmd(archive_url: str | None, as_name: str | None, post: str, originator: str,
                   mcn: str) -> None:
    """Ask ORIGINATOR to send POST again the cable that carried MCN."""
    ctx = _Ctx(archive_url)
    mine = ctx.staff_post(post, as_name)
    d = inbox_mod.retransmit(ctx.db, ctx.transport, mine, ctx.post(originator), mcn)
    click.echo(f"queued {d.delivery_id} ({d.reference_id}) again for {d.destination}")


@click.command("queue")
@archive_option
@json_option
def queue_cmd(archive_url: str | None, as_json: bool) -> None:
    """Deliveries waiting, by precedence."""
    depth = _Ctx(archive_url).transport.depth_by_precedence()
    if as_json:
        _echo_json({p.word: n for p, n in sorted(depth.items(), reverse=True)})
        return
    for p, n in sorted(depth.items(), reverse=True):
        click.echo(f"{p.word:16} {n}")


def register(group: click.Group) -> None:
    for cmd in (directory_group, draft_group, release_cmd, relay_cmd, inbox_cmd, ack_cmd,
                outbox_cmd, alerts_cmd, gaps_cmd, retransmit_cmd, queue_cmd):
        group.add_command(cmd)

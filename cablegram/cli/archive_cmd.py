"""Archive commands: ingest, quarantine, show, diff, refs, export, stats, reindex.

Thin wrappers over :class:`cablegram.archive.facade.SqlArchive`; every read
command takes ``--archive`` and ``--as`` (see :mod:`cablegram.cli.options`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from cablegram.access import audited
from cablegram.archive.diff import diff_versions
from cablegram.archive.export import EXPORT_FORMATS, export_to
from cablegram.archive.refs import refs_as_dict
from cablegram.cli.options import (
    archive_option,
    as_option,
    json_option,
    open_for,
    principal_for,
    safe_text,
)
from cablegram.errors import ArchiveError, NotFound
from cablegram.model import Cable

SHOW_FORMATS = ("text", "telegram", "markdown", "json")


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _out(text: str) -> None:
    """Cable text to stdout: control characters neutralised on a terminal."""
    click.echo(safe_text(text) if sys.stdout.isatty() else text, nl=False)


@click.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, allow_dash=True))
@archive_option
@json_option
@click.option("--progress/--no-progress", default=True,
              help="Show a progress bar on a terminal (standard error).")
def ingest(paths: tuple[str, ...], archive_url: str | None, as_json: bool,
           progress: bool) -> None:
    """Read cables from PATHS (files, directories, containers, - for stdin) into the archive."""
    with open_for(archive_url) as archive:
        summary = archive.ingest(list(paths), progress=progress and not as_json)
    if as_json:
        click.echo(json.dumps(summary.as_dict()))
        return
    s = summary
    click.echo(f"read {s.read}: {s.new} new, {s.unchanged} unchanged, {s.versions} new "
               f"versions, {s.quarantined} quarantined")
    if s.quarantined:
        click.echo("see `cablegram quarantine` for what could not be stored", err=True)


@click.command()
@archive_option
@json_option
def quarantine(archive_url: str | None, as_json: bool) -> None:
    """List input that could not be stored as a cable, with the reason (archive owner only)."""
    with open_for(archive_url, create=False) as archive:
        entries = archive.quarantine()
    if as_json:
        _echo_json([{"source": e.source, "position": e.position, "reason": e.reason,
                     "at": e.at.isoformat(), "size": len(e.raw),
                     "raw": e.raw.decode("utf-8", "replace")} for e in entries])
        return
    if not entries:
        click.echo("the quarantine is empty")
    for e in entries:
        click.echo(safe_text(f"{e.source} ({e.position}), {len(e.raw)} bytes: {e.reason}"))


def _render(cable: Cable, fmt: str) -> str:
    if fmt == "json":
        from cablegram.formats.jsonform import to_json

        return json.dumps(to_json(cable), ensure_ascii=False, indent=2, default=str) + "\n"
    if fmt == "telegram" and cable.source.format == "telegram":
        return cable.raw if cable.raw.endswith("\n") else cable.raw + "\n"
    if fmt in ("telegram", "markdown"):
        name = "render_telegram" if fmt == "telegram" else "render_markdown"
        try:
            import cablegram.formats as formats

            render = getattr(formats, name)
        except (ImportError, AttributeError) as exc:
            raise ArchiveError(f"the {fmt} writer is not available in this build") from exc
        text: str = render(cable)
        return text if text.endswith("\n") else text + "\n"
    return _plain(cable)


def _plain(c: Cable) -> str:
    lines = [f"{c.reference_id}  {c.classification.banner}"]
    if c.dtg:
        lines.append(f"date:    {c.dtg.isoformat()}")
    if c.originator_name:
        lines.append(f"from:    {c.originator_name}")
    if c.to:
        lines.append("to:      " + "; ".join(a.name for a in c.to))
    if c.tags:
        lines.append("tags:    " + " ".join(t.code for t in c.tags))
    if c.subject:
        lines.append(f"subject: {c.subject}")
    refs = [str(r.id) if r.id else r.text for r in c.references]
    if refs:
        lines.append("refs:    " + ", ".join(refs))
    lines.append("")
    lines.append(c.cleaned or c.body or c.raw)
    return "\n".join(lines).rstrip("\n") + "\n"


@click.command()
@click.argument("reference_id")
@click.option("--format", "fmt", type=click.Choice(SHOW_FORMATS), default="text",
              show_default=True)
@click.option("--version", "version", type=int, default=None,
              help="Show this version (1, 2, ...) instead of the current one.")
@archive_option
@as_option
def show(reference_id: str, fmt: str, version: int | None, archive_url: str | None,
         as_name: str | None) -> None:
    """Show one cable (telegram: the stored text when it was read as telegram text)."""
    with open_for(archive_url, create=False) as archive:
        who = principal_for(archive, as_name)
        # audited: the read (or its denial) goes to the audit trail, policy applied
        stored = audited.get(archive, reference_id, who, view="cli-show",
                             version=version)
    _out(_render(stored.cable, fmt))


@click.command()
@click.argument("reference_id")
@click.option("--from", "v_from", type=int, default=None, help="Older version [default: the "
              "one before --to].")
@click.option("--to", "v_to", type=int, default=None, help="Newer version [default: current].")
@archive_option
@as_option
def diff(reference_id: str, v_from: int | None, v_to: int | None, archive_url: str | None,
         as_name: str | None) -> None:
    """Show what changed between two versions of a cable."""
    with open_for(archive_url, create=False) as archive:
        who = principal_for(archive, as_name)
        versions = {sv.version: sv for sv in archive.versions(reference_id, who)}
    newest = max(versions)
    b_no = v_to if v_to is not None else newest
    a_no = v_from if v_from is not None else max((v for v in versions if v < b_no), default=0)
    rid = reference_id
    for n in (a_no, b_no):
        if n not in versions:
            if n == 0:
                raise NotFound(f"cable {rid} has only one version; nothing to compare")
            raise NotFound(f"no version {n} of cable {rid} in the archive")
    a, b = versions[a_no], versions[b_no]
    _out(diff_versions(a.cable, b.cable, label_a=f"{rid} version {a_no}",
                       label_b=f"{rid} version {b_no}"))


@click.command()
@click.argument("reference_id")
@archive_option
@as_option
@json_option
def refs(reference_id: str, archive_url: str | None, as_name: str | None,
         as_json: bool) -> None:
    """The cables REFERENCE_ID cites (T7) and the cables that cite it."""
    with open_for(archive_url, create=False) as archive:
        who = principal_for(archive, as_name)
        graph = archive.refs(reference_id, who)
    if as_json:
        _echo_json(refs_as_dict(graph))
        return
    click.echo("cites:")
    for link in graph.cites:
        where = link.subject if link.in_archive else "(not in the archive)"
        letter = f"{link.letter}. " if link.letter else ""
        click.echo(safe_text(f"  {letter}{link.reference_id}  {where or ''}"))
    click.echo("cited by:")
    for link in graph.cited_by:
        click.echo(safe_text(f"  {link.reference_id}  {link.subject or ''}"))


@click.command()
@click.argument("query", default="")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="jsonl",
              show_default=True)
@click.option("-o", "--output", "output", default="-", metavar="FILE",
              help="Output file ('-' = standard output, not for parquet).")
@archive_option
@as_option
def export(query: str, fmt: str, output: str, archive_url: str | None,
           as_name: str | None) -> None:
    """Export the cables matching QUERY (empty: every cable) as csv, jsonl or parquet."""
    with open_for(archive_url, create=False) as archive:
        who = principal_for(archive, as_name)
        n = export_to(audited.export(archive, query, who, view="cli-export"), fmt,
                      output, sys.stdout)
    if output != "-":
        click.echo(f"exported {n} cables to {output}", err=True)


@click.command()
@archive_option
@as_option
@json_option
def stats(archive_url: str | None, as_name: str | None, as_json: bool) -> None:
    """Counts of cables, versions, quarantined input, by classification and year."""
    with open_for(archive_url, create=False) as archive:
        who = principal_for(archive, as_name)
        figures = archive.stats(who)
    if as_json:
        _echo_json(figures)
        return
    click.echo(f"cables:      {figures['cables']}")
    click.echo(f"versions:    {figures['versions']}")
    click.echo(f"quarantined: {figures['quarantined']}")
    click.echo("by classification:")
    for k, n in figures["by_classification"].items():
        click.echo(f"  {k:<40} {n}")
    click.echo("by year:")
    for k, n in figures["by_year"].items():
        click.echo(f"  {k:<6} {n}")


@click.command()
@archive_option
def reindex(archive_url: str | None) -> None:
    """Rebuild the search index from the store."""
    with open_for(archive_url, create=False) as archive:
        n = archive.reindex()
    click.echo(f"indexed {n} cables")


def register(group: click.Group) -> None:
    for command in (ingest, quarantine, show, diff, refs, export, stats, reindex):
        group.add_command(command)

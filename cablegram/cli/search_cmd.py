"""``cablegram search QUERY``: the query language (docs/query-language.md) on the command line.

A thin command over ``Archive.search``: ``--json`` prints the result object
(total, results, facets, histogram); otherwise a table. A query that cannot be
read raises :class:`~cablegram.errors.QueryError`, which ``cablegram.cli.main``
prints and turns into exit status 64 (EX_USAGE).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any, cast

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cablegram.access import audited
from cablegram.archive.api import SearchResult, Sort
from cablegram.cli.options import (
    archive_option,
    as_option,
    json_option,
    open_for,
    principal_for,
    safe_text,
)

SORTS = ("relevance", "date", "-date")
FACETS_SHOWN = 8  # values per facet under the table
# The only markup in a snippet is ours: <mark>...</mark> around matches.
_MARK_RE = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)


def snippet_text(snippet: str) -> Text:
    """A snippet (escaped HTML with <mark>) as terminal text, matches in bold."""
    out = Text()
    at = 0
    for m in _MARK_RE.finditer(snippet):
        out.append(safe_text(html.unescape(snippet[at:m.start()])))
        out.append(safe_text(html.unescape(m.group(1))), style="bold yellow")
        at = m.end()
    out.append(safe_text(html.unescape(snippet[at:])))
    return out


def render_table(result: SearchResult, offset: int, console: Console) -> None:
    table = Table(show_lines=True, expand=True)
    table.add_column("reference id", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("class", no_wrap=True)
    table.add_column("subject and snippet", ratio=1)
    for hit in result.results:
        cell = Text(safe_text(hit.subject or "(no subject)"), style="bold")
        cell.append("\n")
        cell.append_text(snippet_text(hit.snippet))
        cls = hit.classification + "".join("//" + c for c in hit.caveats)
        table.add_row(Text(hit.reference_id), Text((hit.dtg or "")[:10]), Text(cls), cell)
    if result.results:
        console.print(table)
        first, last = offset + 1, offset + len(result.results)
        console.print(Text(f"{first}-{last} of {result.total} cables"))
    else:
        console.print(Text(f"no results of {result.total} cables" if result.total
                           else "no cables match"))
    for name, values in result.facets.items():
        shown = ", ".join(f"{safe_text(v)} {n}" for v, n in values[:FACETS_SHOWN])
        more = f", ... ({len(values)} values)" if len(values) > FACETS_SHOWN else ""
        console.print(Text(f"{name}: {shown}{more}"))


@click.command()
@click.argument("query", default="")
@json_option
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Results to show.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True,
              help="Results to skip (paging).")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True,
              help="relevance, date (oldest first) or -date (newest first).")
@archive_option
@as_option
def search(query: str, as_json: bool, limit: int, offset: int, sort: str,
           archive_url: str | None, as_name: str | None) -> None:
    """Search the archive. QUERY uses the query language: words, "phrases", AND, OR, NOT,
    -word, prefix*, (groups), tag:PARM origin:OSLO from:2007-05 to:2007 class:>=CONFIDENTIAL
    caveat:NOFORN to:RUEHC ref:07STATE64981 signer:WHITNEY id:07OSLO525 precedence:FLASH.
    See docs/query-language.md."""
    with open_for(archive_url) as archive:
        who = principal_for(archive, as_name)
        result: SearchResult = audited.search(archive, query, who, view="cli-search",
                                              limit=limit, offset=offset,
                                              sort=cast(Sort, sort))  # a click.Choice
    if as_json:
        data: dict[str, Any] = result.as_dict()
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    render_table(result, offset, Console(highlight=False, soft_wrap=False))


def register(group: click.Group) -> None:
    group.add_command(search)

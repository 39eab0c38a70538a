"""Invented cables for the archive tests, and the backends they run on.

Nothing here comes from a real cable: the texts are written for the tests in
the cable format (T1-T11) so that the stored raw text looks like a telegram.
The other archive test modules import these helpers.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from cablegram.formats.jsonform import to_json
from cablegram.model import (
    Addressee,
    Cable,
    Classification,
    Dtg,
    Level,
    Paragraph,
    Reference,
    ReferenceId,
    Source,
    Tag,
    TagKind,
)

PG_ADMIN_URL = os.environ.get("CABLEGRAM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def telegram_text(rid: ReferenceId, level: Level, subject: str, body: str,
                  refs: tuple[str, ...] = (), caveats: tuple[str, ...] = ()) -> str:
    """An invented telegram in the published form (T1: classification line first)."""
    lines = [f"{level.spaced} {rid.origin} {rid.serial:06d}", *caveats,
             "E.O. 12958: N/A" if level < Level.CONFIDENTIAL else "E.O. 12958: DECL: 01/01/2030",
             "TAGS: PREL XX", f"SUBJECT: {subject}"]
    if refs:
        lines.append("REF: " + " ".join(f"{chr(65 + i)}. {r}" for i, r in enumerate(refs)))
    lines += ["", f"1. ({level.letter}) {body}", "", "SMITH"]
    return "\n".join(lines) + "\n"


def make_cable(rid: str, *, body: str = "The weather in the capital was fine.",
               level: Level = Level.UNCLASSIFIED, caveats: tuple[str, ...] = (),
               refs: tuple[str, ...] = (), subject: str | None = None,
               to: tuple[str, ...] = ("SECSTATE WASHDC",), originator: str = "AMEMBASSY OSLO",
               declassify_on: date | None = None, when: datetime | None = None,
               path: str | None = None) -> Cable:
    """A cable with its invented raw text; ``refs`` are canonical ids (T7)."""
    ref_id = ReferenceId.parse(rid)
    subject = subject or f"INVENTED SUBJECT OF {rid}"
    ref_objs = tuple(Reference(text=r, letter=chr(65 + i), id=ReferenceId.parse(r))
                     for i, r in enumerate(refs))
    when = when or datetime(ref_id.full_year, 5, 18, 14, 33, tzinfo=UTC)
    return Cable(
        raw=telegram_text(ref_id, level, subject, body, refs, caveats),
        reference_id=ref_id, dtg=Dtg(when), origin=ref_id.origin,
        originator_name=originator, originator_ri="RUEHNY",
        to=tuple(Addressee(name=t) for t in to),
        classification=Classification(level=level, caveats=caveats),
        declassify_on=declassify_on, tags=(Tag("PREL", TagKind.SUBJECT),), subject=subject,
        references=ref_objs, paragraphs=(Paragraph(1, level.letter, body),),
        signature=("SMITH",), cleaned=body,
        source=Source(format="telegram", path=path),
    )


def write_jsonl(path: Path, items: list[Cable | str]) -> Path:
    """Cables in the JSON form, one a line; a str item is written as a (bad) line."""
    with path.open("w", encoding="utf-8") as fh:
        for it in items:
            fh.write((it if isinstance(it, str) else json.dumps(to_json(it))) + "\n")
    return path


def canonical_dump(archive: Any) -> dict[str, Any]:
    """Everything that must agree between two archives (not times or row ids)."""
    db = archive.db
    cables = db.query("SELECT reference_id, version, current, content_hash, level, "
                      "classification, caveats, subject FROM cables "
                      "ORDER BY reference_id, version")
    quarantine = db.query("SELECT source, position, reason, raw_hash FROM quarantine "
                          "ORDER BY source, position, raw_hash")
    refs = db.query("SELECT from_id, to_id, letter FROM cable_refs ORDER BY from_id, to_id")
    return {"cables": [tuple(int(v) if isinstance(v, bool) else v for v in r) for r in cables],
            "quarantine": [tuple(r) for r in quarantine], "refs": [tuple(r) for r in refs]}


# -- backends -------------------------------------------------------------------------------


def pg_admin() -> Any:
    """An autocommit connection to the PostgreSQL server, or skip."""
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL} ({exc}); CI starts it")


def pg_database() -> Iterator[str]:
    """Create a uniquely named database, yield its URL, drop it afterwards."""
    admin = pg_admin()
    name = f"cablegram_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def pg_reset(url: str) -> None:
    """Empty a test database between tests (every table, ours or not)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def test_invented_cable_round_trips_through_the_json_form() -> None:
    from cablegram.formats.jsonform import from_json

    c = make_cable("07OSLO1", level=Level.SECRET, caveats=("NOFORN",), refs=("07STATE12",),
                   declassify_on=date(2017, 5, 16))
    assert from_json(json.loads(json.dumps(to_json(c)))) == c
    assert c.raw.startswith("S E C R E T OSLO 000001\nNOFORN\n")

"""The reference graph (T7): what a cable cites, and who cites it, through a principal.

A target the principal may not see answers exactly like one that is not in the
archive (a bare reference id, no subject); citing cables the principal may not
see are not listed at all, so the graph cannot reveal a withheld cable.
"""

from __future__ import annotations

from typing import Any

from cablegram.archive.api import Db, RefLink, Refs
from cablegram.model import Cable


def resolve_refs(db: Db, cable: Cable, vis: str,
                 params: list[Any]) -> Refs:
    """``vis``/``params``: the visibility filter over the alias ``c`` (sqlfilter)."""
    rid = str(cable.reference_id)
    targets = sorted({str(r.id) for r in cable.references if r.id is not None})
    subjects: dict[str, str | None] = {}
    if targets:
        marks = ", ".join("?" for _ in targets)
        for to_id, subject in db.query(
                f"SELECT c.reference_id, c.subject FROM cables c WHERE c.current = 1 "
                f"AND c.reference_id IN ({marks}) AND {vis}", [*targets, *params]):
            subjects[to_id] = subject
    cites = [RefLink(reference_id=str(r.id), in_archive=str(r.id) in subjects,
                     subject=subjects.get(str(r.id)), letter=r.letter, text=r.text)
             for r in cable.references if r.id is not None]
    cited_by: dict[str, RefLink] = {}
    for from_id, subject, letter, text in db.query(
            f"SELECT c.reference_id, c.subject, r.letter, r.text FROM cable_refs r "
            f"JOIN cables c ON c.id = r.cable_row WHERE r.to_id = ? AND c.current = 1 "
            f"AND {vis} ORDER BY c.reference_id, r.letter", [rid, *params]):
        cited_by.setdefault(from_id, RefLink(reference_id=from_id, in_archive=True,
                                             subject=subject, letter=letter, text=text))
    return Refs(cites=cites, cited_by=list(cited_by.values()))


def refs_as_dict(refs: Refs) -> dict[str, list[dict[str, Any]]]:
    def one(link: RefLink) -> dict[str, Any]:
        return {"reference_id": link.reference_id, "in_archive": link.in_archive,
                "subject": link.subject, "letter": link.letter, "text": link.text}

    return {"cites": [one(x) for x in refs.cites], "cited_by": [one(x) for x in refs.cited_by]}

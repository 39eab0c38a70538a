"""Differences between two versions of a cable: a field summary and a unified diff."""

from __future__ import annotations

import difflib
from typing import Any

from cablegram.formats.jsonform import record_view
from cablegram.model import Cable

# Fields compared in the summary, in the order a reader scans a cable.
SUMMARY_FIELDS = ("reference_id", "dtg", "precedence", "classification", "caveats", "origin",
                  "originator", "to", "info", "declassify_on", "tags", "subject", "references",
                  "classified_by", "paragraphs", "signature")


def changed_fields(a: Cable, b: Cable) -> list[str]:
    """Names of the JSON-form fields (provenance aside) whose values differ."""
    va, vb = record_view(a), record_view(b)
    keys = [k for k in SUMMARY_FIELDS if k in va or k in vb]
    keys += sorted(k for k in set(va) | set(vb) if k not in SUMMARY_FIELDS)
    return [k for k in keys if va.get(k) != vb.get(k)]


def _describe(key: str, a: dict[str, Any], b: dict[str, Any]) -> str:
    old, new = a.get(key), b.get(key)
    if isinstance(old, list | dict) or isinstance(new, list | dict):
        return f"{key}: changed"
    return f"{key}: {old!r} -> {new!r}"


def diff_versions(a: Cable, b: Cable, *, label_a: str = "a", label_b: str = "b") -> str:
    """A field-level summary, then the unified diff of the telegram (raw) text."""
    va, vb = record_view(a), record_view(b)
    fields = changed_fields(a, b)
    lines = ["fields changed: " + (", ".join(fields) if fields else "none")]
    lines += ["  " + _describe(k, va, vb) for k in fields]
    body = list(difflib.unified_diff(a.raw.splitlines(), b.raw.splitlines(),
                                     fromfile=label_a, tofile=label_b, lineterm=""))
    lines.append("")
    lines += body if body else ["(the texts are identical)"]
    return "\n".join(lines) + "\n"

"""Telegram text to :class:`Cable` and back (rules H1-H10, T1-T11, C1-C4, A1-A4).

One pass over the lines. A line is first offered to the transmission header
(``telegram_header``), then to the opening fields of the text
(``telegram_head``), then it belongs to the paragraphs (``telegram_body``).
In default mode nothing raises: what cannot be read becomes a
:class:`ParseWarning` naming the line and the rule. ``strict=True`` raises
:class:`RuleError` at the first broken rule instead (artefact repairs, the A
rules, never raise: they are expected in published text).
"""

from __future__ import annotations

from cablegram.errors import RuleError
from cablegram.formats.encoding import normalise_newlines
from cablegram.formats.telegram_reader import FallbackDtg, TelegramReader
from cablegram.formats.telegram_render import render_telegram
from cablegram.model import Cable, ParseWarning, Source

__all__ = ["parse_telegram", "read_telegram", "render_telegram"]


def parse_telegram(text: str, *, source: Source | None = None, strict: bool = False) -> Cable:
    """Read telegram text, with or without its transmission header, into a Cable."""
    return read_telegram(text, source=source, strict=strict)


def read_telegram(text: str, *, source: Source | None = None, strict: bool = False,
                  fallback_dtg: FallbackDtg = None, lines: list[str] | None = None) -> Cable:
    """:func:`parse_telegram` for readers of other forms, which may know the date
    when the text has none (used only then, with a warning; a function giving
    it is called only then). A reader that has the text's lines already passes
    them as ``lines``, exactly ``text.split("\\n")`` of a text without CR: they
    are not split again (speed, issue 2)."""
    src = source or Source(format="telegram")
    try:
        return TelegramReader(normalise_newlines(text), src, strict, fallback_dtg,
                              lines).read(raw=text)
    except RuleError:
        raise
    except Exception as exc:
        if strict:
            raise RuleError(f"unreadable telegram: {exc!r}", source=src.path, rule="H1") from exc
        return Cable(raw=text, source=src,
                     warnings=(ParseWarning("H1", f"reader failed: {exc!r}"),))

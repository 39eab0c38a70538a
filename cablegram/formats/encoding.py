"""Bytes to text for cable files (raw telegrams are often Latin-1 with CRLF).

Rule A3: WikiLeaks added ``¶`` before paragraph numbers; in Latin-1 files that
mark is the single byte ``0xB6``, which is not valid UTF-8 on its own, so a
file that does not decode as UTF-8 is read as Latin-1 (every byte is a
character there: decoding cannot fail and nothing is lost).
"""

from __future__ import annotations

_BOM = "\ufeff"


def decode_bytes(data: bytes) -> str:
    """Decode cable bytes: UTF-8, else Latin-1; strip a BOM; CRLF and CR become LF.

    Never raises.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if text.startswith(_BOM):
        text = text[1:]
    return normalise_newlines(text)


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR to LF (telegram files come from DOS and old Mac tools)."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")

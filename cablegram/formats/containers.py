"""Containers around cable files: gzip, zip and tar archives (design).

:func:`iter_members` opens a container and yields each regular member as
``(name, data)``, where ``name`` says where the member came from, e.g.
``corpus.zip!a/b.html`` or ``bundle.tar.gz!2010/10OSLO1.html``. A file that is
not a container yields itself once. Members are yielded in sorted name order so
that a run over the same archive is deterministic.

Members are returned as bytes except for one case where size matters: the
decompressed stream of a ``.gz`` file holding a ``cables.csv`` is yielded as a
binary file object, so the 1.7 GB csv can be streamed (rule of issue 2: constant
memory). The caller closes nothing; the stream is closed when the iterator moves
on.
"""

from __future__ import annotations

import gzip
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, cast

# The separator between a container's path and a member's name.
MEMBER_SEP = "!"

# Suffixes read as containers, longest first so ".tar.gz" wins over ".gz".
TAR_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar")
ZIP_SUFFIXES = (".zip",)
GZIP_SUFFIXES = (".gz",)

Member = tuple[str, "bytes | BinaryIO"]


def container_kind(path: str) -> str | None:
    """``"tar"``, ``"zip"``, ``"gzip"`` or None, by the name, then by magic bytes."""
    low = path.lower()
    if low.endswith(TAR_SUFFIXES):
        return "tar"
    if low.endswith(ZIP_SUFFIXES):
        return "zip"
    if low.endswith(GZIP_SUFFIXES):
        return "gzip"
    return None


def sniff_container(head: bytes) -> str | None:
    """The container kind of data by its first bytes, or None."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    return None


def iter_members(path: str | Path) -> Iterator[Member]:
    """Yield ``(name, bytes-or-stream)`` for each regular file in the container at ``path``.

    A plain file yields ``(path, bytes)`` once. Raises OSError, zipfile.BadZipFile,
    tarfile.TarError or gzip.BadGzipFile on a damaged container; callers turn those
    into :class:`cablegram.formats.Unreadable` records.
    """
    p = str(path)
    kind = container_kind(p)
    if kind is None:
        with open(p, "rb") as fh:
            kind = sniff_container(fh.read(512))
    if kind == "zip":
        yield from _zip_members(p)
    elif kind == "tar":
        yield from _tar_members(p)
    elif kind == "gzip":
        yield from _gzip_member(p)
    else:
        yield p, Path(p).read_bytes()


def _zip_members(path: str) -> Iterator[Member]:
    with zipfile.ZipFile(path) as zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            yield f"{path}{MEMBER_SEP}{info.filename}", zf.read(info)


def _tar_members(path: str) -> Iterator[Member]:
    with tarfile.open(path, "r:*") as tf:
        members = sorted((m for m in tf.getmembers() if m.isfile()), key=lambda m: m.name)
        for m in members:
            fh = tf.extractfile(m)
            if fh is None:
                continue
            with fh:
                yield f"{path}{MEMBER_SEP}{m.name}", fh.read()


def _gzip_member(path: str) -> Iterator[Member]:
    """A gzip file holds one member; a tar inside is unpacked, a csv is streamed."""
    inner = path[:-3] if path.lower().endswith(".gz") else path
    with gzip.open(path, "rb") as gz:
        head = gz.read(512)
    if sniff_container(head) == "tar":
        yield from _tar_members(path)
        return
    name = f"{path}{MEMBER_SEP}{Path(inner).name}"
    if inner.lower().endswith(".csv"):
        with gzip.open(path, "rb") as stream:
            yield name, cast(BinaryIO, stream)
        return
    with gzip.open(path, "rb") as gz:
        yield name, gz.read()

"""Containers around cable files: gzip, zip and tar archives (design).

:func:`iter_members` opens a container and yields each regular member as
``(name, data)``, where ``name`` says where the member came from, e.g.
``corpus.zip!a/b.html`` or ``bundle.tar.gz!2010/10OSLO1.html``. A file that is
not a container yields itself once. Members are yielded in sorted name order so
that a run over the same archive is deterministic.

Members of zip and tar archives are returned as bytes. The one member of a
plain ``.gz`` file is yielded as a binary stream instead, so that a gzipped
1.7 GB cables.csv (or a JSON lines export) can be streamed in constant memory
(issue 2). The caller closes nothing; the stream is closed when the iterator
moves on.
"""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, BinaryIO, cast

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
        yield from _zip_members(p, p)
    elif kind == "tar":
        yield from _tar_members(p, p)
    elif kind == "gzip":
        yield from _gzip_member(p, lambda: p)
    else:
        yield p, Path(p).read_bytes()


def iter_members_bytes(data: bytes, name: str) -> Iterator[Member]:
    """Like :func:`iter_members` for a container held in memory (e.g. read from stdin)."""
    kind = sniff_container(data[:512])
    if kind == "zip":
        yield from _zip_members(name, io.BytesIO(data))
    elif kind == "tar":
        yield from _tar_members(name, io.BytesIO(data))
    elif kind == "gzip":
        yield from _gzip_member(name, lambda: io.BytesIO(data))
    else:
        yield name, data


def _zip_members(label: str, source: str | IO[bytes]) -> Iterator[Member]:
    with zipfile.ZipFile(source) as zf:
        for info in sorted(zf.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            yield f"{label}{MEMBER_SEP}{info.filename}", zf.read(info)


def _open_tar(source: str | IO[bytes]) -> tarfile.TarFile:
    """A tar file by path or file object; ``r:*`` also unpacks gzip, bzip2 and xz."""
    if isinstance(source, str):
        return tarfile.open(source, "r:*")
    return tarfile.open(fileobj=source, mode="r:*")


def _tar_members(label: str, source: str | IO[bytes]) -> Iterator[Member]:
    with _open_tar(source) as tf:
        members = sorted((m for m in tf.getmembers() if m.isfile()), key=lambda m: m.name)
        for m in members:
            fh = tf.extractfile(m)
            if fh is None:
                continue
            with fh:
                yield f"{label}{MEMBER_SEP}{m.name}", fh.read()


def _gzip_member(label: str, opener: Callable[[], str | IO[bytes]]) -> Iterator[Member]:
    """A gzip file holds one member: a tar inside is unpacked, anything else is yielded
    as a stream, so that a large csv or JSON lines file inside is never held whole."""
    with gzip.open(opener(), "rb") as gz:
        head = gz.read(512)
    if sniff_container(head) == "tar":
        yield from _tar_members(label, opener())  # tarfile reads the gzip layer itself
        return
    inner = label[:-3] if label.lower().endswith(".gz") else label
    with gzip.open(opener(), "rb") as stream:
        yield f"{label}{MEMBER_SEP}{Path(inner).name}", cast(BinaryIO, stream)

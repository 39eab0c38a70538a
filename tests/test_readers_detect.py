"""The format sniffer, read_bytes/read_paths, containers and Unreadable records."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import corpus_path

from cablegram.errors import FormatError
from cablegram.formats import Unreadable, detect, read_bytes, read_paths
from cablegram.formats.containers import iter_members
from cablegram.model import Cable

# An invented telegram in the 2000s form (H1-H6, T1-T11).
TELEGRAM = """VZCZCXYZ0001
RR RUEHWEB
DE RUEHZZ #0012 0011200
ZNR UUUUU ZZH
R 011200Z JAN 09
FM AMEMBASSY ZEMBLA
TO RUEHC/SECSTATE WASHDC 0001
UNCLAS ZEMBLA 000012

E.O. 12958: N/A
TAGS: PREL ZZ
SUBJECT: AN INVENTED CABLE

1. THE FIRST PARAGRAPH.

2. THE SECOND PARAGRAPH.

DOE
"""

def _codec() -> None:
    pytest.importorskip("cablegram.formats.telegram", reason="the telegram codec is not built")


@pytest.mark.parametrize(("data", "name", "fmt"), [
    (TELEGRAM.encode(), None, "telegram"),
    (TELEGRAM.replace("\n", "\r\n").encode("latin-1"), "x.bin", "telegram"),
    (b'{"reference_id": "09ZEMBLA12", "raw": ""}', None, "json"),
    (b'"1","1/1/2009 12:00","09ZEMBLA12","x","UNCLASSIFIED","","h","t"\n', "a.txt",
     "cables-csv"),
    (b"1. JOHN DOE  PER.IND\n@@@\n1. [[DOE || 1]] MET [[HIM || 1]].\n", None, "cfpf"),
    (b"<html><body><table id=\"synopsis\"></table></body></html>", None, "plusd-html"),
    (b"<html><body><code><pre>FM X</pre></code></body></html>", None, "wikileaks-html"),
    (b"SUBJECT: X  \nTAGS: [PREL](#) [ZZ](#)  \n**\xc2\xb611.** (C) TEXT", None,
     "plusd-markdown"),
    (b"just some words", "notes.json", "json"),  # the name breaks a tie only
    (b"just some words", "notes.txt", "telegram"),
])
def test_detect_snippets(data: bytes, name: str | None, fmt: str) -> None:
    assert detect(data, name) == fmt


def test_detect_by_content_beats_name() -> None:
    assert detect(TELEGRAM.encode(), "cable.json") == "telegram"
    assert detect(b"<html><body><code><pre>x</pre></code></body></html>", "x.csv") == \
        "wikileaks-html"


def test_detect_corpus_folders() -> None:
    root = corpus_path()
    expected = {"cablegate-2010": "wikileaks-html", "cablegate-2011": "wikileaks-html",
                "plusd-1970s": "plusd-html", "raw-telegrams": "telegram", "cfpf-bodies": "cfpf"}
    for folder, fmt in expected.items():
        files = sorted(p for p in (root / folder).rglob("*")
                       if p.is_file() and p.suffix in (".html", ".txt")
                       and "LICENSE" not in p.name)
        for f in files[::7]:
            assert detect(f.read_bytes(), f.name) == fmt, f
            assert detect(f.read_bytes()) == fmt, f  # without the name too
    assert detect((root / "seed" / "07OSLO525.md").read_bytes()) == "plusd-markdown"
    assert detect((root / "cables-csv" / "cables_sample.csv").read_bytes()) == "cables-csv"


def test_not_a_telegram_is_unreadable() -> None:
    data = b"Dear diary, nothing to report today.\n"
    [bad] = list(read_bytes(data, name="diary.txt"))
    assert isinstance(bad, Unreadable)
    assert bad.source == "diary.txt" and bad.position == "whole file"
    assert "looks like a telegram" in bad.reason and "H1" in bad.reason
    assert bad.raw == data
    with pytest.raises(FormatError, match=r"diary\.txt"):
        list(read_bytes(data, name="diary.txt", strict=True))


def test_unknown_format_is_an_error() -> None:
    with pytest.raises(FormatError, match="unknown format"):
        list(read_bytes(b"x", format="pdf"))


def test_json_lines_round_trip() -> None:
    _codec()
    from cablegram.formats.jsonform import to_json

    [cable] = list(read_bytes(TELEGRAM.encode(), name="t.txt"))
    assert isinstance(cable, Cable)
    lines = (json.dumps(to_json(cable)) + "\n" + '{"error": "x"}\n' + "not json\n").encode()
    records = list(read_bytes(lines, name="out.jsonl"))
    assert records[0] == cable
    assert isinstance(records[1], Unreadable) and records[1].position == "line 2"
    assert isinstance(records[2], Unreadable) and "not JSON" in records[2].reason


def test_json_listing_of_other_things_is_one_unreadable() -> None:
    data = b'{"reference_id": "a"}\n{"reference_id": "b"}\n'
    [bad] = list(read_bytes(data, name="meta.jsonl"))
    assert isinstance(bad, Unreadable) and "none of its 2 JSON lines" in bad.reason
    assert bad.raw == data


def _tree(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    (d / "b").mkdir(parents=True)
    (d / "b" / "2.txt").write_text(TELEGRAM.replace("000012", "000013"))
    (d / "1.txt").write_text(TELEGRAM)
    (d / "junk.txt").write_text("not a cable")
    (d / ".hidden").write_text("skipped")
    return d


def test_read_paths_directory_sorted_and_nothing_dropped(tmp_path: Path) -> None:
    _codec()
    d = _tree(tmp_path)
    records = list(read_paths([str(d)]))
    assert [type(r).__name__ for r in records] == ["Cable", "Cable", "Unreadable"]
    assert [r.source.path for r in records if isinstance(r, Cable)] == [
        str(d / "1.txt"), str(d / "b" / "2.txt")]
    assert [str(r.reference_id) for r in records if isinstance(r, Cable)] == [
        "09ZEMBLA12", "09ZEMBLA13"]
    missing = list(read_paths([str(d / "nope.txt")]))
    assert isinstance(missing[0], Unreadable) and "no such file" in missing[0].reason


def test_read_paths_stdin() -> None:
    _codec()
    [c] = list(read_paths(["-"], stdin=io.BytesIO(TELEGRAM.encode())))
    assert isinstance(c, Cable) and str(c.reference_id) == "09ZEMBLA12"
    assert c.source.path == "-"


def test_containers(tmp_path: Path) -> None:
    _codec()
    d = _tree(tmp_path)
    z = tmp_path / "corpus.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(d / "b" / "2.txt", "b/2.txt")
        zf.write(d / "1.txt", "a/1.txt")
    t = tmp_path / "corpus.tar.gz"
    with tarfile.open(t, "w:gz") as tf:
        tf.add(d / "1.txt", "x/1.txt")
    g = tmp_path / "one.txt.gz"
    g.write_bytes(gzip.compress(TELEGRAM.encode()))
    names = [n for n, _ in iter_members(z)]
    assert names == [f"{z}!a/1.txt", f"{z}!b/2.txt"]
    records = list(read_paths([str(z), str(t), str(g)]))
    assert all(isinstance(r, Cable) for r in records), records
    assert [r.source.path for r in records if isinstance(r, Cable)] == [
        f"{z}!a/1.txt", f"{z}!b/2.txt", f"{t}!x/1.txt", f"{g}!one.txt"]


def test_damaged_container_is_unreadable(tmp_path: Path) -> None:
    z = tmp_path / "broken.zip"
    z.write_bytes(b"PK\x03\x04 this is not really a zip")
    records = list(read_paths([str(z)]))
    assert len(records) == 1 and isinstance(records[0], Unreadable)
    assert "damaged container" in records[0].reason


def test_gzipped_csv_is_streamed(tmp_path: Path) -> None:
    _codec()
    sample = corpus_path("cables-csv", "cables_sample.csv")
    g = tmp_path / "cables.csv.gz"
    g.write_bytes(gzip.compress(sample.read_bytes()))
    records = list(read_paths([str(g)]))
    assert [str(r.reference_id) for r in records if isinstance(r, Cable)] == [
        "66BUENOSAIRES2481", "72TEHRAN1164"]
    assert records[0].source.metadata["position"] == "row 1"  # type: ignore[union-attr]


def test_forced_format() -> None:
    _codec()
    [c] = list(read_bytes(TELEGRAM.encode(), format="telegram"))
    assert isinstance(c, Cable)
    [bad] = list(read_bytes(TELEGRAM.encode(), format="plusd-html", name="t.txt"))
    assert isinstance(bad, Unreadable) and "Raw content" in bad.reason


def test_json_files_streamed_and_pretty(tmp_path: Path) -> None:
    _codec()
    from cablegram.formats.jsonform import to_json

    [cable] = list(read_bytes(TELEGRAM.encode(), name="t.txt"))
    assert isinstance(cable, Cable)
    lines = tmp_path / "export.jsonl"
    lines.write_text("\n".join([json.dumps(to_json(cable))] * 3 + ["[1, 2]"]) + "\n")
    records = list(read_paths([str(lines)]))
    assert records[:3] == [cable] * 3
    assert isinstance(records[3], Unreadable) and records[3].position == "line 4"
    pretty = tmp_path / "one.json"
    pretty.write_text(json.dumps(to_json(cable), indent=2))
    assert list(read_paths([str(pretty)])) == [cable]


def test_containers_from_stdin_and_damaged_members(tmp_path: Path) -> None:
    _codec()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a/1.txt", TELEGRAM)
        zf.writestr("a/2.txt", "not a cable")
    records = list(read_paths(["-"], stdin=io.BytesIO(buf.getvalue())))
    assert isinstance(records[0], Cable) and records[0].source.path == "-!a/1.txt"
    assert isinstance(records[1], Unreadable) and records[1].source == "-!a/2.txt"
    # a gzip member under any name is streamed and sniffed: here a cables.csv
    sample = corpus_path("cables-csv", "cables_sample.csv").read_bytes()
    g = tmp_path / "dump.gz"
    g.write_bytes(gzip.compress(sample))
    assert [str(r.reference_id) for r in read_paths([str(g)]) if isinstance(r, Cable)] == [
        "66BUENOSAIRES2481", "72TEHRAN1164"]
    # a truncated gzip: what was read is kept, the damage is reported
    t = tmp_path / "cut.txt.gz"
    t.write_bytes(gzip.compress(TELEGRAM.encode() * 50)[:-30])
    [bad] = list(read_paths([str(t)]))
    assert isinstance(bad, Unreadable) and "damaged" in bad.reason


@pytest.mark.slow
def test_whole_corpus_every_file_accounted_for() -> None:
    """Every file of the corpus ends as cables or as one Unreadable saying why."""
    _codec()
    root = corpus_path()
    counts: dict[str, int] = {}
    unreadable: list[str] = []
    sources: set[str] = set()
    for r in read_paths([str(root)]):
        if isinstance(r, Unreadable):
            unreadable.append(Path(r.source.split("!")[0]).name)
            sources.add(r.source.split("!")[0])
        else:
            counts[r.source.format] = counts.get(r.source.format, 0) + 1
            sources.add(str(r.source.path).split("!")[0])
    files = {str(p) for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")}
    assert files == sources  # nothing silently dropped
    assert counts == {"wikileaks-html": 1002, "plusd-html": 3, "plusd-markdown": 1,
                      "telegram": 24, "cfpf": 175, "cables-csv": 2}
    # what is not a cable: licences, READMEs, listings; never a cable file
    assert all(n.startswith(("SOURCE-LICENSE", "README")) or n.endswith(
        (".jsonl", "route2name.csv", ".csv.gz")) for n in unreadable), unreadable


def test_html_page_without_a_cable_is_unreadable() -> None:
    _codec()
    page = b"<html><body><p>About this site</p></body></html>"
    [bad] = list(read_bytes(page, name="about.html"))
    assert isinstance(bad, Unreadable) and "looks like a telegram" in bad.reason
    assert bad.raw == page

"""``make demo``: a demo archive of synthetic and real cables, demo users, the web reader.

Run as ``python -m cablegram.demo``. It

1. writes 20,000 synthetic cables (``cablegram.synth``, fixed seed) as a
   cables.csv under ``./demo/synth/``;
2. ingests them, and the real cables of ``../shared/corpus`` where that
   exists, into ``./demo/cablegram.db`` (and builds its search index);
3. creates demo users at several clearances and prints their logins;
4. serves the reader at http://127.0.0.1:8000.

Every step is skipped when its result is already there, so a second run
reuses the archive and starts serving at once. ``--no-serve`` stops after
step 3 (tests and scripts use it).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

DEMO_DIR = Path("demo")
COUNT = 20_000
SEED = 2010
# Corpus folders that hold cables (reference-ids and routing are lists, not cables).
CORPUS_FOLDERS = ("seed", "cablegate-2010", "cablegate-2011", "raw-telegrams", "cables-csv",
                  "plusd-1970s", "cfpf-bodies")


@dataclass(frozen=True)
class DemoUser:
    name: str
    clearance: str
    caveats: tuple[str, ...]
    posts: tuple[str, ...]
    note: str

    @property
    def password(self) -> str:
        return f"demo-{self.name}"


DEMO_USERS = (
    DemoUser("reader", "UNCLASSIFIED", (), (), "unclassified cables only"),
    DemoUser("analyst", "CONFIDENTIAL", (), (), "up to CONFIDENTIAL, no NOFORN"),
    DemoUser("officer", "SECRET", ("NOFORN",), ("AMEMBASSY OSLO",),
             "up to SECRET with NOFORN, and Oslo's own distribution"),
    DemoUser("chief", "TOP SECRET", ("NOFORN", "NODIS", "EXDIS", "LIMDIS"), (),
             "everything up to TOP SECRET, NODIS and EXDIS included"),
)


def corpus_root() -> Path | None:
    """``../shared/corpus`` relative to the repository (or to the working directory)."""
    for base in (Path(__file__).resolve().parents[1], Path.cwd()):
        root = (base / ".." / "shared" / "corpus").resolve()
        if root.is_dir():
            return root
    return None


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console)


def make_synthetic(out: Path, count: int, seed: int, console: Console) -> Path:
    """The synthetic cables.csv, written once (a marker file says it is complete)."""
    from cablegram.synth import generate
    from cablegram.synth.output import write

    done = out / ".complete"
    if done.exists() and json.loads(done.read_text()) == {"count": count, "seed": seed}:
        console.print(f"[green]✓[/] synthetic cables: reusing {out / 'cables.csv'}")
        return out / "cables.csv"
    with _progress(console) as progress:
        task = progress.add_task(f"generating {count:,} synthetic cables", total=count)
        write(generate(count, seed), out, "cables-csv",
              on_cable=lambda i: progress.update(task, completed=i) if i % 200 == 0 else None)
        progress.update(task, completed=count)
    done.write_text(json.dumps({"count": count, "seed": seed}))
    return out / "cables.csv"


def build_archive(db: Path, inputs: list[str], console: Console) -> dict[str, Any]:
    """Ingest the inputs once; the marker holds what was ingested and the summary."""
    from cablegram.access.principal import Principal
    from cablegram.archive import open_archive

    marker = db.with_name(db.name + ".ingested.json")
    if marker.exists():
        state: dict[str, Any] = json.loads(marker.read_text())
        if state.get("inputs") == inputs:
            console.print(f"[green]✓[/] archive: reusing {db}")
            return state
    archive = open_archive(str(db))
    try:
        console.print(f"ingesting into {db} ...")
        t = time.perf_counter()
        summary = archive.ingest(inputs, progress=True)
        with console.status("building the search index ..."):
            archive.search("embassy", Principal.archive_owner(), limit=1, facets=False)
        seconds = time.perf_counter() - t
    finally:
        archive.close()
    state = {"inputs": inputs, "summary": summary.as_dict(), "seconds": round(seconds, 1)}
    marker.write_text(json.dumps(state, indent=1))
    console.print(f"[green]✓[/] archive: {summary.as_dict()} in {seconds:.0f} s")
    return state


def make_users(db: Path, console: Console) -> list[DemoUser]:
    """Create the demo users (once); empty when access control is not installed."""
    try:
        from cablegram.access import users
        from cablegram.archive import open_archive
    except ImportError as exc:
        console.print(f"[yellow]![/] no demo users: access control is not available ({exc})")
        return []
    archive = open_archive(str(db))
    try:
        existing = {u.name for u in users.list_users(archive)}
        for u in DEMO_USERS:
            if u.name not in existing:
                users.add_user(archive, u.name, u.clearance, caveats=u.caveats, posts=u.posts,
                               password=u.password)
    finally:
        archive.close()
    return list(DEMO_USERS)


def print_logins(made: list[DemoUser], url: str, console: Console) -> None:
    if not made:
        return
    table = Table(title=f"Demo logins for {url}")
    for col in ("user", "password", "clearance", "may read"):
        table.add_column(col)
    for u in made:
        table.add_row(u.name, u.password, u.clearance, u.note)
    console.print(table)


def serve(db: Path, host: str, port: int, console: Console) -> None:
    try:
        import uvicorn

        from cablegram.web.app import create_app
    except ImportError as exc:
        console.print(f"[yellow]![/] not serving: the web reader is not available ({exc})")
        return
    app = create_app(str(db))
    console.print(f"[bold]serving the reader at http://{host}:{port}/[/] (Ctrl-C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m cablegram.demo", description=__doc__)
    ap.add_argument("--dir", type=Path, default=DEMO_DIR, help="demo directory (./demo)")
    ap.add_argument("--count", type=int, default=COUNT, help="synthetic cables (20000)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--no-corpus", action="store_true", help="leave out ../shared/corpus")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--no-serve", action="store_true", help="build, then exit")
    args = ap.parse_args(argv)
    console = Console()
    t = time.perf_counter()
    args.dir.mkdir(parents=True, exist_ok=True)
    db = args.dir / "cablegram.db"
    inputs = [str(make_synthetic(args.dir / "synth", args.count, args.seed, console))]
    root = None if args.no_corpus else corpus_root()
    if root is not None:
        inputs += [str(root / f) for f in CORPUS_FOLDERS if (root / f).exists()]
    else:
        console.print("[yellow]![/] ../shared/corpus not found: synthetic cables only")
    build_archive(db, inputs, console)
    made = make_users(db, console)
    console.print(f"demo ready in {time.perf_counter() - t:.0f} s: {db}")
    url = f"http://{args.host}:{args.port}/"
    print_logins(made, url, console)
    if not args.no_serve:
        serve(db, args.host, args.port, console)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

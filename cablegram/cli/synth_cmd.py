"""``cablegram synth``: write a deterministic synthetic corpus (docs/synth.md)."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click


@click.command("synth")
@click.option("--count", "-n", type=click.IntRange(min=0), default=1000, show_default=True,
              help="How many cables to generate.")
@click.option("--seed", "-s", type=int, default=0, show_default=True,
              help="Same seed, same cables, same bytes.")
@click.option("--format", "fmt", type=click.Choice(["telegram", "wikileaks-html", "cables-csv"]),
              default="telegram", show_default=True, help="The published form to write.")
@click.option("--output", "-o", "out", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="Directory to write into (created if needed).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def synth(count: int, seed: int, fmt: str, out: Path, quiet: bool) -> None:
    """Generate COUNT realistic synthetic cables into a directory."""
    from rich.progress import Progress

    from cablegram.synth import generate
    from cablegram.synth.output import Format, write

    with Progress(disable=quiet, transient=True) as progress:
        task = progress.add_task("generating", total=count)
        n = write(generate(count, seed), out, cast(Format, fmt),
                  on_cable=lambda i: progress.update(task, completed=i) if i % 500 == 0 else None)
    click.echo(f"wrote {n} cables ({fmt}, seed {seed}) to {out}")


def register(group: click.Group) -> None:
    group.add_command(synth)

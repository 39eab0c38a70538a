"""``cablegram serve``: the web reader and the HTTP API, served by uvicorn."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--archive", "archive_url", envvar="CABLEGRAM_ARCHIVE", default=None,
              help="Archive URL or path (default: $CABLEGRAM_ARCHIVE, else ./cablegram.db).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--open", "open_access", is_flag=True,
              help="Serve every request as the archive owner (a personal archive on "
                   "localhost). Without it, requests without credentials are public.")
@click.option("--log-level", default="warning", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
def serve(archive_url: str | None, host: str, port: int, open_access: bool,
          log_level: str) -> None:
    """Serve the reader at http://HOST:PORT/ and the API at /api (docs at /api/docs)."""
    import uvicorn

    from cablegram.web.app import create_app

    if open_access and host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: --open on {host} shows every cable to anyone who can connect",
                   err=True)
    app = create_app(archive_url, open_access=open_access)
    click.echo(f"cablegram: serving on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


def register(group: click.Group) -> None:
    group.add_command(serve)

"""``cablegram serve`` as a real process: public by default, the owner with ``--open``
(the rule of cablegram.web.deps.get_principal), killed with SIGKILL at the end."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from web_cables import build_archive


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    out = proc.stdout.read().decode() if proc.stdout else ""
    raise AssertionError(f"cablegram serve did not start: {out}")


def test_serve_public_then_open(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    build_archive(path)
    for flags, secret_status in (([], 404), (["--open"], 200)):
        port = _free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "cablegram", "serve", "--archive", str(path),
             "--port", str(port), *flags],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base, proc)
            with urllib.request.urlopen(base + "/api/cables/08ELSEWHERE7") as r:
                assert json.load(r)["reference_id"] == "08ELSEWHERE7"
            with urllib.request.urlopen(base + "/cables/08ELSEWHERE7") as r:
                assert "LIGHTHOUSE KEEPERS STRIKE" in r.read().decode()
            try:
                with urllib.request.urlopen(base + "/api/cables/09ELSEWHERE44") as r:
                    status = r.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            assert status == secret_status, flags
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()

"""Helpers of the live-session tests: a real redis-server on a loopback port, app servers with a store."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .browser import ROOT, free_port, start_server

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


@contextmanager
def redis_server():
    """A throwaway redis-server (Debian's package) on 127.0.0.1, nothing saved to disk; yields its URL."""
    import redis

    if not os.path.exists(REDIS):
        raise RuntimeError("redis-server is missing: apt-get install -y redis-server (.ci/run does)")
    port = free_port()
    proc = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--protected-mode", "yes", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.time() + 15
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.05)  # the poll's interval: the loop waits for redis to answer
        client.close()
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def live_server(kind: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    """The real app, ``loss-playground serve`` with 1 worker or 2 (``kind`` "gunicorn"), ``env`` added."""
    full = {**os.environ, **env}
    if kind == "gunicorn":
        cmd = [sys.executable, "-m", "playground", "serve", "--workers", "2", "--threads", "4",
               "--port", str(port)]  # fmt: skip
    else:
        cmd = [sys.executable, "-m", "playground", "serve", "--workers", "1", "--port", str(port)]
    old = os.environ.copy()
    os.environ.clear()
    os.environ.update(full)
    try:
        return start_server(cmd, port, timeout=90)
    finally:
        os.environ.clear()
        os.environ.update(old)


def server_log(proc: subprocess.Popen) -> str:
    return Path(proc.log_path).read_text(errors="replace")  # type: ignore[attr-defined]


__all__ = ["ROOT", "live_server", "redis_server", "server_log"]

"""The README is short, keeps the set-up lines CI reads, and every command it shows runs.

`RUN:`'s `pip install .` is the wheel installed into a fresh virtual environment by
tests/package/test_wheel.py; its `loss-playground serve` and the deployment lines are served here
and answer /healthz. `docker` lines need Docker, which this machine does not have.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.browser import free_port

pytestmark = pytest.mark.slow  # runs the README's commands and serves the page

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LINES = [
    line.strip()
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    for line in block.splitlines()
    if line.strip() and not line.strip().startswith("#")
]
SERVES = [c for c in LINES if "loss-playground serve" in c and not c.startswith("docker")]
RUNS = [c for c in LINES if c not in SERVES and not c.startswith("docker")]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def local(command: str) -> str:
    """The command against this checkout: `loss-playground` is `python -m playground`."""
    python = shlex.quote(sys.executable)
    command = re.sub(r"(?<![\w-])loss-playground\b", f"{python} -m playground", command)
    return re.sub(r"(?<![\w/.-])python\b", python, command)


def test_the_readme_is_short_and_keeps_the_lines_ci_reads():
    lines = README.splitlines()
    assert len(lines) <= 200
    assert sum(bool(re.fullmatch(r"RUN: `[^`]+`", line)) for line in lines) == 1
    assert sum(bool(re.fullmatch(r"TEST: `[^`]+`", line)) for line in lines) == 1
    for picture in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README):  # the screenshot, the animation
        assert (ROOT / picture).is_file(), picture
    assert len(RUNS) >= 3 and SERVES


@pytest.mark.parametrize("command", RUNS)
def test_each_command_in_the_readme_runs(command, tmp_path):
    done = subprocess.run(["bash", "-c", local(command)], cwd=tmp_path, env=ENV, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() or any(tmp_path.iterdir())


def _redis(port: int) -> subprocess.Popen:
    exe = shutil.which("redis-server")
    assert exe is not None, "redis-server is not installed (scripts/test installs it)"
    return subprocess.Popen([exe, "--port", str(port), "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


@pytest.mark.parametrize("command", SERVES)
def test_each_serve_line_serves(command, tmp_path):
    port = free_port()
    redis = None
    if "REDIS_URL=" in command:
        redis_port = free_port()
        redis = _redis(redis_port)
        command = re.sub(r"redis://[^ ]+", f"redis://127.0.0.1:{redis_port}/0", command)
    command = (
        re.sub(r"--port \d+", f"--port {port}", command)
        if "--port" in command
        else f"{command} --port {port}"
    )
    command = local(command).replace("--host 0.0.0.0", "--host 127.0.0.1") + " --workers 1"
    if re.match(r"\w+=", command):  # VAR=value cmd: exec needs env to keep one process
        command = "env " + command
    server = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=tmp_path, env=ENV,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert server.poll() is None, "the server stopped"
                assert time.time() < deadline, "no answer from /healthz"
                time.sleep(0.3)
        if redis is not None:  # a live session is created in the shared store
            req = urllib.request.Request(f"http://127.0.0.1:{port}/live/api/sessions", data=b'{"query": ""}', method="POST",
                                         headers={"Content-Type": "application/json"})  # fmt: skip
            with urllib.request.urlopen(req, timeout=10) as r:
                assert r.status in (200, 201)
    finally:
        server.terminate()
        server.wait(20)
        if redis is not None:
            redis.terminate()
            redis.wait(10)

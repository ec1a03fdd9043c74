"""The package as a user installs it: a wheel built from this tree, installed into a fresh virtual
environment, serves the page with every asset through its console script."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from playground.web import ASSETS, bundle, server
from tests.support.browser import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("wheel")]


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel; its dependencies come from this interpreter's site-packages
    (no download in a test), and the package itself only from the wheel."""
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp), str(ROOT)],
                   check=True, capture_output=True)  # fmt: skip
    (wheel,) = tmp.glob("loss_landscape_playground-*.whl")
    env = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(env)], check=True)
    pip = [
        str(env / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        "--force-reinstall",
    ]
    subprocess.run([*pip, str(wheel)], check=True, capture_output=True)
    return env


def _run(env: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    # from a folder outside the tree, so nothing is imported from the source checkout
    return subprocess.run(
        args, cwd=env, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""}, **kw
    )


def test_the_wheel_holds_the_package_and_every_asset(venv: Path) -> None:
    out = _run(venv, str(venv / "bin" / "python"), "-c",
               "import playground, playground.web as w; print(playground.__file__); print(sorted(p.name for p in w.ASSETS.iterdir()))")  # fmt: skip
    where, names = out.stdout.splitlines()
    assert str(venv) in where, where  # the wheel's copy, not the checkout's
    assert json.loads(names.replace("'", '"')) == sorted(p.name for p in ASSETS.iterdir() if p.is_file())


def test_the_console_script_lists_and_runs(venv: Path) -> None:
    cli = str(venv / "bin" / "loss-playground")
    out = _run(venv, cli, "optimizers", check=True)
    assert re.search(r"^adam\b", out.stdout, re.M)
    out = _run(venv, cli, "trajectory", "--surface", "rosenbrock", "--optimizer", "adam", "--lr", "0.01",
               "--steps", "5", check=True)  # fmt: skip
    assert len(json.loads(out.stdout)["loss"]) == 6
    same = _run(venv, str(venv / "bin" / "python"), "-m", "playground", "optimizers", check=True)
    assert same.stdout == _run(venv, cli, "optimizers").stdout


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as r:
        assert r.status == 200
        return r.read()


def test_the_console_script_serves_the_page_with_every_asset(venv: Path) -> None:
    cli, port = str(venv / "bin" / "loss-playground"), free_port()
    log = (venv / "serve.log").open("w")
    proc = subprocess.Popen([cli, "serve", "--port", str(port), "--workers", "1"], cwd=venv,
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": ""})  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while True:
            try:
                _get(base + "/healthz")
                break
            except OSError:
                assert proc.poll() is None and time.time() < deadline, (venv / "serve.log").read_text()[
                    -2000:
                ]
                time.sleep(0.2)
        page = _get(base + "/").decode()
        bundles = bundle.page_bundles(ASSETS)  # the page's own modules, one file of each kind
        for kind, made in bundles.items():
            m = re.search(r"/_bundle/page\.[0-9a-f]{16}\." + kind, page)
            assert m, f"the {kind} bundle is not linked from the page"
            assert _get(base + m.group(0)) == made.body  # the installed modules, joined in order
        bundled = {n for b in bundles.values() for n in b.modules}
        for asset in sorted(
            p.name for p in ASSETS.iterdir() if p.suffix in (".js", ".css") and p.name not in bundled
        ):
            # Dash fingerprints an asset's link with its time (?m=); regenerator-runtime, linked
            # where Dash's polyfill was (server.without_polyfill), by its versioned name alone
            stamp = "" if asset == server.REGENERATOR_RUNTIME else r"\?m=\d+"
            m = re.search(r"/assets/" + re.escape(asset) + stamp, page)
            assert m, f"{asset} is not linked from the page"
            assert _get(base + m.group(0)) == (ASSETS / asset).read_bytes()
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()

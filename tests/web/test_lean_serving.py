"""Serving imports only what serving needs: the heavy packages load on the first use of the
feature that needs them, never by the page (benchmarks/startup.py measures what this saves)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# torch (SymPy's printer imported it), SymPy (custom formulas, exports), numba (maps), scikit-learn
# and SciPy (the iris data, the network view), IPython and requests (Dash's Jupyter display)
HEAVY = ("torch", "sympy", "numba", "sklearn", "scipy", "IPython", "requests")

SERVE = r"""
import json, sys
from benchmarks.dash_payload import body, compute_dep, compute_values
from playground.web.wsgi import server

HEAVY = %r
loaded = lambda: sorted(m for m in HEAVY if m in sys.modules)
client = server.test_client()
assert client.get("/").status_code == 200
deps = client.get("/_dash-dependencies").get_json()
assert client.get("/_dash-layout").status_code == 200
run = client.post("/_dash-update-component", json=body(compute_dep(deps), compute_values(steps="321")))
assert run.get_json()["response"]["store-run"]["data"]["steps"] == 321
served = loaded()
torch_dep = next(d for d in deps if d["output"] == "pre-torch.children")
code = client.post("/_dash-update-component", json=body(torch_dep, compute_values(steps="321")))
assert "import torch" in code.get_json()["response"]["pre-torch"]["children"]
print(json.dumps({"served": served, "exported": loaded()}))
""" % (HEAVY,)


def test_serving_the_page_and_a_run_imports_no_heavy_package():
    out = subprocess.run([sys.executable, "-c", SERVE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout.splitlines()[-1])
    assert loaded["served"] == []
    # "Copy as PyTorch" traces the formula with SymPy, and prints it without importing torch
    assert loaded["exported"] == ["sympy"]

"""Live lecture under load: one lecturer, hundreds of followers, real gunicorn on 127.0.0.1.

Each follower does what a student's page does (assets/85-pg-live.js): it asks
``GET /live/api/<code>?v=<version>`` every ``poll_ms`` on a keep-alive connection, adds its
id (``&f=``) every ``beat_s`` so the lecturer's count includes it, and takes the snapshot
when the version moved. The lecturer publishes one event a second (a seek) with its token.
The propagation delay of an event is the time from the lecturer sending it to a follower
holding it, both measured in this process (one clock). Levels of followers run one after
the other, each for a bounded time, until one breaks (p95 over 1 s, or any error): that is
the breaking point. Loopback only, bounded in followers, requests and time.

    python -m benchmarks.live                       # 300 followers, SQLite store, 2 workers
    python -m benchmarks.live --levels 100,300,600,1000 --store redis
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

from benchmarks.load import children, pct, rss_mb
from playground.live.model import Limits
from tests.support.live import redis_server

ROOT = Path(__file__).resolve().parents[1]
API = "/live/api"
QUERY = "surface=rosenbrock&opt=momentum,rmsprop,adam"
LIMITS = Limits()
TARGET_P95_MS = 1000.0


class Board:
    """What the lecturer sent (version -> time) and what the followers saw, under one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: dict[int, float] = {}
        self.seen: list[tuple[int, float]] = []  # (version, time) per follower and event
        self.errors: list[str] = []
        self.polls = 0

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)


def _conn(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=10)


def _get(box: list, port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    try:
        box[0].request("GET", path, headers=headers or {})
        r = box[0].getresponse()
        return r.status, r.read()
    except (OSError, http.client.HTTPException):
        box[0].close()  # the server closed an idle keep-alive socket: a browser reconnects too
        box[0] = _conn(port)
        box[0].request("GET", path, headers=headers or {})
        r = box[0].getresponse()
        return r.status, r.read()


def follower(i: int, port: int, code: str, v0: int, until: float, board: Board) -> None:
    box, v, last_beat = [_conn(port)], v0, 0.0
    time.sleep((i % 100) / 100 * LIMITS.poll_ms / 1000)  # pages opened at different moments
    while time.time() < until:
        path = f"{API}/{code}?v={v}"
        if time.time() - last_beat >= LIMITS.beat_s:
            path += f"&f={i:024x}"
            last_beat = time.time()
        try:
            status, raw = _get(box, port, path)
            got = time.time()
            body = json.loads(raw) if status == 200 else {}
        except (OSError, http.client.HTTPException, ValueError) as e:
            board.error(f"poll {type(e).__name__}")
            time.sleep(LIMITS.poll_ms / 1000)
            continue
        with board.lock:
            board.polls += 1
        if status != 200:
            board.error(f"poll {status}")
        elif body.get("v", v) != v and "query" in body:
            v = body["v"]
            with board.lock:
                board.seen.append((v, got))
        time.sleep(LIMITS.poll_ms / 1000)
    box[0].close()


def lecturer(port: int, code: str, token: str, until: float, board: Board) -> None:
    box, step = [_conn(port)], 0
    headers = {"Content-Type": "application/json", "X-Live-Token": token}
    while time.time() < until - 2 * LIMITS.poll_ms / 1000:  # the last event has time to arrive
        step += 1
        t0 = time.time()
        try:
            box[0].request("POST", f"{API}/{code}/events", body=json.dumps({"kind": "seek", "step": step}),
                           headers=headers)  # fmt: skip
            r = box[0].getresponse()
            body = json.loads(r.read())
            if r.status != 200:
                board.error(f"event {r.status}")
            else:
                with board.lock:
                    board.sent[body["v"]] = t0
        except (OSError, http.client.HTTPException, ValueError) as e:
            board.error(f"event {type(e).__name__}")
            box[0].close()
            box[0] = _conn(port)
        time.sleep(max(0.0, 1.0 - (time.time() - t0)))
    box[0].close()


def _ticks(pid: int, fields: slice) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[fields])
    except (OSError, ValueError):
        return 0


def cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's master and workers, those already recycled included.

    A worker that exited was reaped by the master, so its time is in the master's
    cutime/cstime; the running ones are read directly (/proc/<pid>/stat, clock ticks).
    """
    total = _ticks(master, slice(11, 15))  # utime stime cutime cstime
    total += sum(_ticks(pid, slice(11, 13)) for pid in children(master)[1:])
    return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def server(port: int, workers: int, threads: int, env: dict[str, str]):
    """Real gunicorn serving the playground on 127.0.0.1 with a live store; yields the process."""
    full = {**os.environ, **env, "PORT": str(port), "HOST": "127.0.0.1", "WORKERS": str(workers),
            "THREADS": str(threads)}  # fmt: skip
    (ROOT / "artifacts").mkdir(exist_ok=True)
    with open(ROOT / "artifacts" / "bench-live.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "playground", "serve"], cwd=ROOT, env=full,
                                stdout=log, stderr=log)  # fmt: skip
        try:
            for _ in range(300):
                try:
                    c = _conn(port)
                    c.request("GET", "/healthz")
                    if c.getresponse().status == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            yield proc
        finally:
            proc.terminate()
            proc.wait(30)


def open_session(port: int) -> tuple[str, str, int]:
    c = _conn(port)
    c.request("POST", f"{API}/sessions", body=json.dumps({"query": QUERY}),
              headers={"Content-Type": "application/json"})  # fmt: skip
    r = c.getresponse()
    body = json.loads(r.read())
    if r.status != 201:
        raise SystemExit(f"could not open a session: {r.status} {body}")
    return body["code"], body["token"], body["v"]


def run_level(port: int, master: int, n: int, seconds: float) -> dict:
    code, token, v0 = open_session(port)
    board, until = Board(), time.time() + seconds
    workers = [threading.Thread(target=follower, args=(i, port, code, v0, until, board)) for i in range(n)]
    workers.append(threading.Thread(target=lecturer, args=(port, code, token, until, board)))
    cpu0, client0, t0 = cpu_seconds(master), os.times(), time.time()
    peak_rss = 0.0
    for w in workers:
        w.start()
    while any(w.is_alive() for w in workers):
        peak_rss = max(peak_rss, rss_mb(children(master)))
        time.sleep(0.5)
    wall = time.time() - t0
    client = os.times()
    delays = [(t - board.sent[v]) for v, t in board.seen if v in board.sent]
    expected = len(board.sent) * n
    return {
        "followers": n,
        "events": len(board.sent),
        "delivered": f"{len(delays)}/{expected}",
        "p50_ms": pct(delays, 0.5),
        "p95_ms": pct(delays, 0.95),
        "p99_ms": pct(delays, 0.99),
        "polls_per_s": board.polls / wall,
        "errors": len(board.errors),
        "server_cpu": (cpu_seconds(master) - cpu0) / wall,
        "client_cpu": (client.user + client.system - client0.user - client0.system) / wall,
        "server_rss_mb": peak_rss,
        "first_errors": sorted(set(board.errors))[:3],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--levels", default="300", help="follower counts, run in order (default 300)")
    ap.add_argument("--seconds", type=float, default=20.0, help="length of each level (default 20)")
    ap.add_argument("--store", choices=["sqlite", "redis"], default="sqlite")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--port", type=int, default=8071)
    args = ap.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    if not all(1 <= n <= 2000 for n in levels) or not 5 <= args.seconds <= 120:
        raise SystemExit("levels must be 1..2000 followers and --seconds 5..120 (bounded load)")
    rows = []
    with ExitStack() as stack:
        env = {"LIVE_DB": str(Path(stack.enter_context(tempfile.TemporaryDirectory())) / "live.sqlite3"),
               "REDIS_URL": stack.enter_context(redis_server()) if args.store == "redis" else "",
               "LIVE_EVENTS_PER_S": "20"}  # fmt: skip
        proc = stack.enter_context(server(args.port, args.workers, args.threads, env))
        for n in levels:
            row = run_level(args.port, proc.pid, n, args.seconds)
            rows.append(row)
            if row["errors"] or row["p95_ms"] > TARGET_P95_MS:
                break  # broken here: higher levels would only break harder
    print(f"store={args.store} workers={args.workers} threads={args.threads} poll={LIMITS.poll_ms} ms "
          f"seconds/level={args.seconds:g} (client and server share this machine's {os.cpu_count()} cores)")  # fmt: skip
    head = ["followers", "events", "delivered", "p50_ms", "p95_ms", "p99_ms", "polls_per_s", "errors",
            "server_cpu", "client_cpu", "server_rss_mb"]  # fmt: skip
    print(" | ".join(f"{h:>13}" for h in head))
    for r in rows:
        cells = [f"{r[h]:13.1f}" if isinstance(r[h], float) else f"{r[h]!s:>13}" for h in head]
        print(" | ".join(cells) + (f"  {r['first_errors']}" if r["errors"] else ""))
    broke = [r for r in rows if r["errors"] or r["p95_ms"] > TARGET_P95_MS]
    print(
        f"breaks at {broke[0]['followers']} followers" if broke else "no level broke (p95 <= 1 s, no errors)"
    )


if __name__ == "__main__":
    main()

"""``loss-playground serve``: the page under gunicorn, or Flask's development server.

Nothing of the web is imported until the command runs, so the other commands start fast.
"""

from __future__ import annotations

import argparse
import os
from typing import Any


def add_serve_command(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "serve",
        help="serve the playground's page",
        description="Serve the page with gunicorn (HOST, PORT, WORKERS and THREADS set the defaults).",
    )
    s.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="address to listen on")
    s.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8050")), help="port to listen on")
    s.add_argument(
        "--workers",
        type=int,
        default=None,
        help="gunicorn worker processes (default: WORKERS, else one per core)",
    )
    s.add_argument(
        "--threads", type=int, default=int(os.environ.get("THREADS", "4")), help="threads per worker"
    )
    s.add_argument(
        "--public-url",
        default=os.environ.get("PUBLIC_URL") or None,
        help="the address students reach the page at, used by share links and QR codes "
        "(default: PUBLIC_URL, else the address the page is served at)",
    )
    s.add_argument(
        "--lan",
        action="store_true",
        help="serve the lecture hall: listen on every interface (0.0.0.0) and give links this "
        "machine's address on the local network",
    )
    s.add_argument(
        "--debug",
        action="store_true",
        help="Flask's development server with Dash's dev tools and reloading (never in production)",
    )


def _publish_address(args: argparse.Namespace) -> None:
    """Bind every interface for --lan, and tell the app the base of the links it hands out."""
    from playground.web import reach

    if args.lan:
        args.host = "0.0.0.0"
    try:
        lan = reach.lan_address() if args.host in reach.ANY_HOSTS else None
        base = reach.served_base(args.public_url, args.host, args.port, lan)
    except ValueError as e:
        raise SystemExit(f"loss-playground serve: {e}") from None
    if base:
        os.environ[reach.ENV] = base
        print(f"links and QR codes point to {base}", flush=True)
    elif args.host in reach.ANY_HOSTS:
        print("no local-network address found: links point to the address each visitor typed", flush=True)


def serve(args: argparse.Namespace) -> int:
    _publish_address(args)
    if args.debug:
        from playground.web import create_app

        # the modules one by one: a reload shows an edited script (the bundles are made at start-up)
        create_app(bundled=False).run(host=args.host, port=args.port, debug=True)
        return 0
    from gunicorn.app.base import BaseApplication

    from playground.web import gunicorn_conf

    class _Gunicorn(BaseApplication):
        def load_config(self) -> None:
            settings: dict[str, Any] = {
                k: v for k, v in vars(gunicorn_conf).items() if k in self.cfg.settings and v is not None
            }
            settings |= {"bind": f"{args.host}:{args.port}", "threads": args.threads}
            if args.workers is not None:
                settings["workers"] = args.workers
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from playground.web.wsgi import server

            return server

    _Gunicorn().run()
    return 0

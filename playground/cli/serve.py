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
        "--debug",
        action="store_true",
        help="Flask's development server with Dash's dev tools and reloading (never in production)",
    )


def serve(args: argparse.Namespace) -> int:
    if args.debug:
        from playground.web import create_app

        create_app().run(host=args.host, port=args.port, debug=True)
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

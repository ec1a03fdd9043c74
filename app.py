"""Entry point: ``python app.py`` serves on http://127.0.0.1:8050; gunicorn serves ``app:server``."""

from __future__ import annotations

import argparse
import gc
import os

from playground.web import create_app, warm_caches

app = create_app()
server = app.server
warm_caches()  # the default page and the lessons, computed once before gunicorn forks
# Everything built so far lives as long as the process: freeze it out of the collector's
# sight, so full collections during a request scan only that request's objects (twice
# as fast for long runs), and forked gunicorn workers keep sharing these pages.
gc.freeze()

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Loss-landscape playground")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8050")))
    parser.add_argument(
        "--debug", action="store_true", help="Dash dev tools and reloading (never in production)"
    )
    args = parser.parse_args()
    app.run(host=args.host, port=args.port, debug=args.debug)

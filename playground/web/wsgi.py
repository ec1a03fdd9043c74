"""The WSGI application gunicorn serves (``playground.web.wsgi:server``).

Importing this module builds the app and computes the default page and the lessons once,
before gunicorn forks its workers.
"""

from __future__ import annotations

import gc

from . import create_app, warm_caches

app = create_app()
server = app.server
warm_caches()  # the default page and the lessons, computed once before gunicorn forks
# Everything built so far lives as long as the process: freeze it out of the collector's
# sight, so full collections during a request scan only that request's objects (twice
# as fast for long runs), and forked gunicorn workers keep sharing these pages.
gc.freeze()

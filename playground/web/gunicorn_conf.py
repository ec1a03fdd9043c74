"""gunicorn settings for `loss-playground serve` (and `gunicorn -c python:playground.web.gunicorn_conf`)."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8050')}"
# compute is CPU-bound NumPy: one process per core, a few threads to overlap I/O
workers = int(os.environ.get("WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# recycle workers now and then: bounded memory whatever happens. Counted in requests, and a
# live lecture's followers poll ~2.5 times a second each (300 students: ~750 requests/s), so
# the count is high enough that a worker lives minutes, not seconds, in a lecture
# (benchmarks/live.py: at 2,000 a worker was recycled every ~5 s, its caches lost each time)
max_requests = 100_000
max_requests_jitter = 10_000
preload_app = True  # import NumPy/Dash once, share pages between workers
accesslog = "-" if os.environ.get("ACCESS_LOG") else None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
limit_request_line = 8190
limit_request_fields = 100

# Loss-landscape playground: slim runtime image served by gunicorn.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HOST=0.0.0.0 PORT=8050 WORKERS=2

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt && useradd --create-home --uid 10001 playground

COPY app.py gunicorn.conf.py ./
COPY playground ./playground
COPY surfaces ./surfaces
COPY assets ./assets

USER playground
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8050\")}/healthz', timeout=2)"
CMD ["gunicorn", "app:server"]

# Loss-landscape playground: the wheel, built in one stage and installed in a slim runtime image.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md requirements.txt requirements-dev.txt ./
COPY playground ./playground
RUN pip install --no-cache-dir build==1.6.1 && python -m build --wheel --outdir /dist

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HOST=0.0.0.0 PORT=8050 WORKERS=2
COPY --from=build /dist /dist
RUN pip install /dist/*.whl && rm -r /dist && useradd --create-home --uid 10001 playground
USER playground
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8050\")}/healthz', timeout=2)"
CMD ["loss-playground", "serve"]

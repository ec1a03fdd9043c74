# Loss-landscape playground: the wheel and the documentation site, built in one stage and
# installed in a slim runtime image that serves the site at /docs/ (DOCS_DIR).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md requirements.txt requirements-dev.txt requirements-docs.txt mkdocs.yml ./
COPY playground ./playground
COPY docs ./docs
RUN pip install --no-cache-dir build==1.6.1 && python -m build --wheel --outdir /dist \
 && pip install --no-cache-dir "$(ls /dist/*.whl)[docs]" && mkdocs build --strict -q -d /site

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HOST=0.0.0.0 PORT=8050 WORKERS=2 DOCS_DIR=/srv/docs
COPY --from=build /dist /dist
COPY --from=build /site /srv/docs
RUN pip install /dist/*.whl && rm -r /dist && useradd --create-home --uid 10001 playground
USER playground
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8050\")}/healthz', timeout=2)"
CMD ["loss-playground", "serve"]

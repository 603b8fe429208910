# mockpost in a container:
#   docker build -t mockpost .
#   docker run --rm -p 8000:8000 mockpost                  # = mockpost serve
#   docker run --rm -p 8000:8000 mockpost serve --seed 7   # any `mockpost` arguments
# Configure with MOCKPOST_* environment variables (MOCKPOST_SEED, MOCKPOST_FIXTURES, ...).
# Change the port with MOCKPOST_PORT rather than --port, so that the health check follows it.
# Where others can reach the port, set MOCKPOST_CONTROL_TOKEN (docs/security.md); health stays open.
# Keep the sandbox across restarts with a volume (docs/persistence.md):
#   docker run --rm -p 8000:8000 -v mockpost-data:/data -e MOCKPOST_DATA_DIR=/data mockpost
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# An unprivileged user with a fixed uid (so runAsNonRoot-style policies can check it).
# /data is theirs, so a volume mounted there for --data-dir (MOCKPOST_DATA_DIR) is writable.
RUN groupadd --system --gid 10001 mockpost \
    && useradd --system --uid 10001 --gid mockpost --home-dir /home/mockpost --create-home \
       --shell /usr/sbin/nologin mockpost \
    && install -d -o mockpost -g mockpost /data

# Only what the package build needs, so unrelated changes (tests, docs, CI) keep the cache.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY mockpost ./mockpost

# The install command README documents. The cache mount keeps downloaded wheels between builds,
# so a source change does not download every dependency again (and none of it lands in the image).
RUN --mount=type=cache,target=/root/.cache/pip pip install .

USER 10001:10001
WORKDIR /home/mockpost

ENV MOCKPOST_HOST=0.0.0.0 \
    MOCKPOST_PORT=8000
EXPOSE 8000

# python rather than curl (slim has no curl); ignores any HTTP(S)_PROXY, reads MOCKPOST_PORT.
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; u.build_opener(u.ProxyHandler({})).open('http://127.0.0.1:%s/_mockpost/health' % os.environ.get('MOCKPOST_PORT', '8000'), timeout=4)"]

ENTRYPOINT ["mockpost"]
CMD ["serve"]

# syntax=docker/dockerfile:1
#
# One image for every process of commandcentre: the ASGI server (web), the
# Celery worker and beat, and the one-off migrate job. docker-compose.yml runs
# it with a different command for each; alone, it runs the web server.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies before the code, so that a code change reuses this layer. Every
# pinned package has a manylinux wheel (psycopg[binary], uvloop, rapidfuzz...),
# so the slim image needs no compiler.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# The settings refuse to load without SECRET_KEY when DEBUG is off. This dummy
# lives in this one RUN step only: it is neither an ENV nor an ARG, so it is not
# in the image's environment or history as a setting. DEBUG=0 selects the
# manifest storage that the server will use, so the manifest is built here.
RUN SECRET_KEY=collectstatic-build-only-not-a-secret DEBUG=0 \
    python manage.py collectstatic --noinput

# The code and static files stay owned by root: the server process can read
# them but not change them. A numeric USER lets runAsNonRoot-style checks see
# that it is not root. Celery beat keeps its schedule in /tmp (see compose).
RUN groupadd --system --gid 10001 commandcentre \
 && useradd --system --uid 10001 --gid commandcentre \
        --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin commandcentre
USER 10001:10001

EXPOSE 8000

# No HEALTHCHECK here: the worker and beat run this image too, and a web check
# would mark them unhealthy; docker-compose.yml gives each service its own.
# No ENTRYPOINT either, so compose's `command:` replaces this CMD as a whole.
# Through sh so that uvicorn's frame limit follows WS_SERVER_MAX_BYTES (above the
# app's WS_MAX_FRAME_BYTES, so frames between the two get an `error` event;
# uvicorn's own default is 16 MiB); exec makes uvicorn PID 1, so it gets SIGTERM.
CMD ["sh", "-c", "exec uvicorn commandcentre.asgi:application --host 0.0.0.0 --port 8000 --workers 2 --ws-max-size \"${WS_SERVER_MAX_BYTES:-1048576}\" --proxy-headers --forwarded-allow-ips='*'"]

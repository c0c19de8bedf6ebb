"""The one settings module, driven by the environment, run as a fresh process."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    for key in ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "TESTING"):
        clean.pop(key, None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    done = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="cc.example.org",
    )

    assert done.returncode == 0, done.stdout + done.stderr


def test_without_a_secret_key_production_refuses_to_start():
    done = run_manage("check", DEBUG="0")

    assert done.returncode != 0
    assert "SECRET_KEY must be set" in done.stderr


def test_the_embedded_default_needs_no_database_or_redis_configuration():
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.DATABASES['default']['ENGINE'], "
        "settings.CHANNEL_LAYERS['default']['BACKEND'], settings.CELERY_TASK_ALWAYS_EAGER]))"
    )
    done = run_manage("shell", "-c", code, DEBUG="1")

    assert json.loads(done.stdout.strip().splitlines()[-1]) == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        True,
    ]


def test_database_and_redis_urls_switch_to_postgresql_redis_and_real_workers():
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.DATABASES['default']['ENGINE'], "
        "settings.CHANNEL_LAYERS['default']['BACKEND'], settings.CELERY_TASK_ALWAYS_EAGER, "
        "settings.CELERY_BROKER_URL]))"
    )
    done = run_manage(
        "shell",
        "-c",
        code,
        DEBUG="1",
        DATABASE_URL="postgres://u@db.example:5432/cc",
        REDIS_URL="redis://redis.example:6379/0",
    )

    assert json.loads(done.stdout.strip().splitlines()[-1]) == [
        "django.db.backends.postgresql",
        "channels_redis.pubsub.RedisPubSubChannelLayer",
        False,
        "redis://redis.example:6379/0",
    ]

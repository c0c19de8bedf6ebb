"""Minimal settings for the bare Channels baseline: no database, no apps, no auth.

    DJANGO_SETTINGS_MODULE=bench.baseline_channels.settings \
        uvicorn bench.baseline_channels.asgi:application --port 8102
"""

import os

SECRET_KEY = "bench-baseline-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
ROOT_URLCONF = "bench.baseline_channels.urls"
USE_TZ = True

ASGI_APPLICATION = "bench.baseline_channels.asgi.application"

# The default RedisChannelLayer configuration: only the host is set. DB 14 keeps the
# baseline's groups apart from the app's (the runner flushes it before each run).
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")]},
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

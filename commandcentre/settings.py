"""One settings module, driven by the environment.

With nothing set it is the embedded default: SQLite, the in-memory channel
layer and Celery running tasks in-process. Set DATABASE_URL and REDIS_URL and
the same code runs on PostgreSQL, the Redis channel layer and real workers.
"""

import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

TESTING = "pytest" in sys.modules or env.bool("TESTING", False)
DEBUG = env.bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-embedded-default-only-for-debug-and-tests"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "apps.core",
    "apps.accounts",
    "apps.operations",
    "apps.reports",
    # ready() order is the order of the report-write hooks: totals, name index,
    # then the matching task (enqueued after the dashboard's delta is published)
    "apps.dashboard",
    "apps.crossmatch",
    "apps.alerts",
    "apps.intel",
    "apps.web",
    "apps.tools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.http.RefuseNulMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "commandcentre.urls"
ASGI_APPLICATION = "commandcentre.asgi.application"
WSGI_APPLICATION = "commandcentre.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database -------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'commandcentre.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two posts never deadlock on
    # the room's seq counter; WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif env.int("DB_POOL_MAX_SIZE", 10) > 0:
    # Under an ASGI server each request may run on a thread of its own, and a
    # persistent connection per thread piles up (61 idle connections for one
    # sequential client, then "too many clients"). A pool per process bounds
    # them: at most DB_POOL_MAX_SIZE, a request waits DB_POOL_TIMEOUT s for one.
    # Celery (>= 5.5) closes the pool in each forked worker child.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env.int("DB_POOL_MAX_SIZE", 10),
        "timeout": env.float("DB_POOL_TIMEOUT", 10.0),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", 0)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.Officer"

# --- Redis: channel layer, Celery broker, cache -----------------------------
REDIS_URL = env("REDIS_URL", default="")
CHANNEL_PREFIX = env("CHANNEL_PREFIX", default="cc")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub: one message per group per server process, decoded once
            # there and handed to every local socket. It has no capacity limit,
            # so each socket bounds its own outbox (see apps/core/sockets/).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": CHANNEL_PREFIX},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CHANNEL_PREFIX,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task not acknowledged within this time goes back to the queue; keep it
# far above the longest task, or it would run twice (it is idempotent anyway).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "sweep-unmatched-reports": {
        "task": "apps.crossmatch.tasks.sweep_unmatched_reports_task",
        "schedule": env.float("CROSSMATCH_SWEEP_SECONDS", 30.0),
    },
    "sweep-import-runs": {
        "task": "apps.intel.tasks.sweep_import_runs_task",
        "schedule": 60.0,
    },
}
# A selector found in more reports than this stops raising alerts (over-correlation).
CROSSMATCH_MAX_REPORTS_PER_SELECTOR = env.int("CROSSMATCH_MAX_REPORTS_PER_SELECTOR", 50)
# Processes a scoring batch of 100 parcels or more is split over (PostgreSQL; this one
# included); unset: the machine's cores, at most 4; 1: no helper processes.
SCORING_PROCESSES = env.int("SCORING_PROCESSES", 0) or None

# --- auth -----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Signing in: failures per account and per address in a window lock that account or
# address for a while (apps/accounts/signin.py); tokens and sessions expire.
AUTHENTICATION_BACKENDS = ["apps.accounts.backends.ThrottledModelBackend"]
SIGNIN_MAX_FAILURES_PER_ACCOUNT = env.int("SIGNIN_MAX_FAILURES_PER_ACCOUNT", 5)
SIGNIN_MAX_FAILURES_PER_ADDRESS = env.int("SIGNIN_MAX_FAILURES_PER_ADDRESS", 20)
SIGNIN_FAILURE_WINDOW_SECONDS = env.int("SIGNIN_FAILURE_WINDOW_SECONDS", 15 * 60)
SIGNIN_LOCK_SECONDS = env.int("SIGNIN_LOCK_SECONDS", 15 * 60)
API_TOKEN_TTL_HOURS = env.float("API_TOKEN_TTL_HOURS", 12.0)
SESSION_COOKIE_AGE = int(env.float("SESSION_TTL_HOURS", 8.0) * 3600)
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- i18n -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- static ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- REST -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The API speaks JSON (uploads declare their own parsers), and the schema says so.
    "DEFAULT_PARSER_CLASSES": ["apps.core.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"report_post": env("REPORT_POST_RATE", default="50/s")},
    "EXCEPTION_HANDLER": "apps.core.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "commandcentre API",
    "DESCRIPTION": "Virtual command centre for joint police and customs operations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the installed sidecar package, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- realtime limits --------------------------------------------------------
WS_MAX_FRAME_BYTES = env.int("WS_MAX_FRAME_BYTES", 256 * 1024)
WS_MAX_CONNECTIONS_PER_OFFICER = env.int("WS_MAX_CONNECTIONS_PER_OFFICER", 10)
WS_REPORTS_PER_SECOND = env.float("WS_REPORTS_PER_SECOND", 20.0)
WS_REPORTS_BURST = env.int("WS_REPORTS_BURST", 40)
WS_RESUMES_PER_SECOND = env.float("WS_RESUMES_PER_SECOND", 2.0)
WS_RESUMES_BURST = env.int("WS_RESUMES_BURST", 5)
# How often a socket re-checks that its officer may still be there.
WS_RECHECK_SECONDS = env.float("WS_RECHECK_SECONDS", 10.0)
# Exact origins (scheme://host[:port]) a socket may come from; empty: derived
# from ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS (see apps/core/origins.py).
WS_ALLOWED_ORIGINS = [o.lower().rstrip("/") for o in env.list("WS_ALLOWED_ORIGINS", default=[])]

# --- security (production passes `manage.py check --deploy`) ---------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", not DEBUG and not TESTING)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Content-Security-Policy ---------------------------------------------------
# Scripts and styles only from this site's own files (no inline code, no
# inline handlers, no style attributes); sockets and fetches to this origin.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # who read or wrote which report, when, from where
        "commandcentre.audit": {
            "handlers": ["console"],
            "level": env("AUDIT_LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
    },
}

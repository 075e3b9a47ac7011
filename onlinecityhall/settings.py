"""Settings for Online City Hall, read from the environment with safe defaults.

With no environment at all the site runs on SQLite and the in-memory channel layer. Setting
``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` moves it onto shared services, so that several
ASGI worker processes behave as one site.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.proxies import trusted_proxies_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from error


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG off (production) the site refuses to "
            "start without a secret key: set DJANGO_SECRET_KEY to a long random string, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
            "For local development set DJANGO_DEBUG=1 (make run does)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DJANGO_DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "core",
    "accounts",
    "forums",
    "search",
    "attachments",
    "moderation",
    "django_tasks",
    "django_tasks_db",
    "notifications",
    "statici18n",
    "meetings",
    "progress",
    "conversations",
    "fields",
]

MIDDLEWARE = [
    # Outermost, so that responses made by other middleware (redirects) carry the headers too.
    "onlinecityhall.middleware.PrivateSiteHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "onlinecityhall.middleware.CompressedPagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "onlinecityhall.middleware.LanguageMiddleware",
    # Control characters in any parameter: a 400 in the visitor's language, before any view.
    "core.params.ParameterGuardMiddleware",
    "accounts.middleware.SuspendedUserMiddleware",
    "fields.middleware.PlannedMoveMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "onlinecityhall.urls"
WSGI_APPLICATION = "onlinecityhall.wsgi.application"
ASGI_APPLICATION = "onlinecityhall.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% url %} reversed once per distinct link (core/urltag.py).
            "builtins": ["core.urltag"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "moderation.context_processors.moderation_counts",
                "notifications.context_processors.notification_count",
                "conversations.context_processors.conversation_count",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite file by default; DATABASE_URL=postgres://… switches to PostgreSQL through psycopg 3.
# On PostgreSQL, connections come from psycopg's pool (DATABASE_POOL=0 falls back to persistent
# connections with CONN_MAX_AGE): under ASGI every request may run on another thread, and a
# pool keeps a small set of warm connections shared by all of them.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Short OLTP queries: JIT compilation only ever adds milliseconds (bench/pages).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
        if env_bool("DATABASE_POOL", default=True):
            DATABASES["default"]["CONN_MAX_AGE"] = 0
            # The pool checks each connection before lending it (psycopg's check_connection):
            # one the server closed (restart, failover, terminated backend) is replaced
            # instead of failing the next request.
            DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
            DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
                "min_size": env_int("DATABASE_POOL_MIN", 2),
                "max_size": env_int("DATABASE_POOL_MAX", 10),
                "timeout": 10,
            }
        else:
            DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
            DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # The embedded default serves a small real site: WAL lets readers go on while one writer
    # writes, and IMMEDIATE makes every transaction take the write lock when it begins, so a
    # second writer waits (up to the timeout) instead of failing with "database is locked"
    # when a read transaction tries to become a write one (tests/foundation).
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / env_str("SQLITE_NAME", "db.sqlite3"),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
            },
            # Tests use a file too, not Django's shared in-memory database: there, two
            # connections writing at once (the browser tests' server threads, the task worker)
            # fail at once with "database table is locked" instead of waiting as above.
            # One file per test process (removed when the run ends).
            "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"och-test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache ----------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s timeout and caps a pool at 100 connections;
                # channels-redis blocks up to 5 s waiting for messages, and a deploy closes
                # hundreds of sockets at once (bench/live): give both room.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 15,
                        "socket_connect_timeout": 2,
                        "max_connections": 2000,
                    }
                ],
                "capacity": 500,
                "expiry": 30,
            },
        }
    }
    CACHES = {
        "default": {
            # Redis, or this process's memory while Redis is unreachable (onlinecityhall/cache.py).
            "BACKEND": "onlinecityhall.cache.FailoverRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "och",
            "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Municipal mail systems on separated networks often disable links in incoming mail (無害化):
# the confirmation mail carries a short code to type, with a link as a convenience, and the
# code lives long enough for mail that is held for sanitising.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 60 * 60
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 5
# A new password by a code typed in the same browser, not a link: mail entering a separated
# municipal network is "sanitised" (無害化), its links disabled, but a code survives.
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = 60 * 60
ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS = 5
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupProfileForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # Sign-in attempts per client address: high, since a city hall's staff share one address.
    "login": f"{env_int('SIGNIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE', 300)}/m/ip",
    # Failed sign-ins are limited per (address, account) with a per-account slow-down instead
    # (accounts/signin_limits.py).
    "login_failed": None,
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}
# Account e-mails' subjects start with "[SITE_NAME] " in the mail's language (accounts.adapter).
# Failed sign-ins (accounts/signin_limits.py): this many per (client address, account) in the
# window refuse that pair until the window has passed; from this many per account, wherever
# they come from, each attempt waits 2, 4, 8 … seconds (at most the maximum) after the last.
SIGNIN_FAILURE_WINDOW_SECONDS = env_int("SIGNIN_FAILURE_WINDOW_SECONDS", 300)
SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT = env_int("SIGNIN_FAILURES_PER_ADDRESS_AND_ACCOUNT", 5)
SIGNIN_SLOWDOWN_AFTER = env_int("SIGNIN_SLOWDOWN_AFTER", 10)
SIGNIN_SLOWDOWN_MAX_SECONDS = env_int("SIGNIN_SLOWDOWN_MAX_SECONDS", 60)
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated);
# the same list is given to uvicorn by onlinecityhall/run.py. Empty: the peer is the client.
TRUSTED_PROXIES = trusted_proxies_from_environment()
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Online City Hall"
# Site moderators must have TOTP before they can use moderation pages when this is on.
REQUIRE_MFA_FOR_MODERATORS = env_bool("REQUIRE_MFA_FOR_MODERATORS", default=False)

# --- E-mail -----------------------------------------------------------------------------------
# Without SMTP: one line per message in the terminal, the whole message in EMAIL_FILE_PATH;
# SMTP as soon as EMAIL_HOST is set (or any EMAIL_BACKEND named).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "onlinecityhall.mail.OneLinePerMessageBackend",
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Online City Hall <noreply@localhost>")

# --- Background tasks -------------------------------------------------------------------------
# django-tasks with its database backend: tasks are rows in the same database, run by
# `manage.py db_worker` (make run starts one beside the web server). TASKS_BACKEND=
# django_tasks.backends.immediate.ImmediateBackend runs them inside the request instead.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# The daily digest e-mail goes out at this hour, site time.
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 7)
# Replies to a topic a member has not read yet are one e-mail, not one each; after this many
# quiet minutes the next reply is e-mailed again.
NOTIFICATIONS_EMAIL_QUIET_MINUTES = env_int("NOTIFICATIONS_EMAIL_QUIET_MINUTES", 30)
# A question without a reply after this many hours is offered to members who know its field,
# each of whom is offered at most this many questions a day.
QUESTION_ROUTING_AFTER_HOURS = env_int("QUESTION_ROUTING_AFTER_HOURS", 24)
QUESTION_ROUTING_PER_MEMBER_PER_DAY = env_int("QUESTION_ROUTING_PER_MEMBER_PER_DAY", 3)

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Script text: `manage.py compilejsi18n` writes Django's JavaScript catalogue of each language
# to static/js/i18n/<language>/djangojs.js, a static file like any other (cached, hashed).
STATICI18N_ROOT = BASE_DIR / "static"
STATICI18N_OUTPUT_DIR = "js/i18n"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / env_str("MEDIA_DIR", "media")
MEDIA_URL = "/media/"

# --- Attachments and avatars ----------------------------------------------------------------
# Files are private: never under a public URL, always served by a view that checks the reader.
# The local disk by default; ATTACHMENTS_S3_BUCKET switches to S3-compatible object storage.
MB = 1024 * 1024
ATTACHMENTS_MAX_FILES = env_int("ATTACHMENTS_MAX_FILES", 10)
ATTACHMENTS_MAX_BYTES = env_int("ATTACHMENTS_MAX_MB", 20) * MB
ATTACHMENTS_MEMBER_DAILY_BYTES = env_int("ATTACHMENTS_MEMBER_DAILY_MB", 200) * MB
ATTACHMENTS_BOARD_BYTES = env_int("ATTACHMENTS_BOARD_MB", 10_240) * MB
ATTACHMENTS_PENDING_HOURS = env_int("ATTACHMENTS_PENDING_HOURS", 24)
# stream (the view sends the bytes), redirect (a short-lived signed URL of the object storage)
# or accel (nginx sends the file named in X-Accel-Redirect, under ATTACHMENTS_ACCEL_PREFIX).
ATTACHMENTS_DELIVERY = env_str("ATTACHMENTS_DELIVERY", "stream")
ATTACHMENTS_ACCEL_PREFIX = env_str("ATTACHMENTS_ACCEL_PREFIX", "/protected-files/")
ATTACHMENTS_SIGNED_URL_SECONDS = env_int("ATTACHMENTS_SIGNED_URL_SECONDS", 60)
# ClamAV: a Unix socket (CLAMD_SOCKET) or CLAMD_HOST/CLAMD_PORT; unset means scanning is off.
CLAMD_SOCKET = env_str("CLAMD_SOCKET")
CLAMD_HOST = env_str("CLAMD_HOST")
CLAMD_PORT = env_int("CLAMD_PORT", 3310)
ATTACHMENTS_S3_BUCKET = env_str("ATTACHMENTS_S3_BUCKET")
if ATTACHMENTS_S3_BUCKET:
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ATTACHMENTS_S3_BUCKET,
            "endpoint_url": env_str("ATTACHMENTS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("ATTACHMENTS_S3_REGION") or None,
            "access_key": env_str("ATTACHMENTS_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("ATTACHMENTS_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("ATTACHMENTS_S3_PREFIX"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": ATTACHMENTS_SIGNED_URL_SECONDS,
            "signature_version": "s3v4",
            "file_overwrite": False,
        },
    }
else:
    STORAGES["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "private", "base_url": None},
    }

# --- Security ---------------------------------------------------------------------------------
# Behind a TLS-terminating proxy, set DJANGO_SECURE_PROXY_SSL_HEADER=1 so that Django trusts
# X-Forwarded-Proto, and keep DJANGO_SSL_REDIRECT on unless the proxy already redirects.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Django's database sessions, read with SQL written once (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=not DEBUG)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): everything from the site itself, no inline script or
# style at all (scripts are ES modules under static/js, data goes through data attributes and
# json_script; post tables align with classes). ws:/wss: to the same host are 'self' in CSP 3.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],
        "worker-src": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
    }
}
# Browser features the site never uses, switched off for every page (and anything in it).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "browsing-topics=(), interest-cohort=()"
)
# Health checks come from the load balancer over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "onlinecityhall.log_filters.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Product settings -------------------------------------------------------------------------
# In the reader's language wherever it is shown (e-mails are written in the recipient's).
SITE_NAME = _("Online City Hall")
# The address people use, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
HEALTHZ_CHANNEL_TIMEOUT = 2.0

# --- Private conversations ---------------------------------------------------------------------
CONVERSATION_MAX_PARTICIPANTS = env_int("CONVERSATION_MAX_PARTICIPANTS", 20)
# Members verified less than this many days ago may start only a few conversations a day.
CONVERSATION_NEW_MEMBER_DAYS = env_int("CONVERSATION_NEW_MEMBER_DAYS", 7)
CONVERSATION_NEW_MEMBER_DAILY_LIMIT = env_int("CONVERSATION_NEW_MEMBER_DAILY_LIMIT", 5)
# Days after its last message that a conversation is deleted by ``purge_conversations``;
# 0 keeps every conversation (the default: they may be official records).
CONVERSATION_RETENTION_DAYS = env_int("CONVERSATION_RETENTION_DAYS", 0)

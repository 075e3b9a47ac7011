"""Settings come from the environment: embedded defaults, real services, safe production."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, onlinecityhall.settings as s; print(json.dumps({"
    "'engine': s.DATABASES['default']['ENGINE'],"
    "'pool': s.DATABASES['default'].get('OPTIONS', {}).get('pool'),"
    "'conn_max_age': s.DATABASES['default'].get('CONN_MAX_AGE'),"
    "'layer': s.CHANNEL_LAYERS['default']['BACKEND'],"
    "'cache': s.CACHES['default']['BACKEND'],"
    "'debug': s.DEBUG, 'hsts': s.SECURE_HSTS_SECONDS, 'secure_cookie': s.SESSION_COOKIE_SECURE,"
    "'ssl_redirect': s.SECURE_SSL_REDIRECT, 'hosts': s.ALLOWED_HOSTS,"
    "'language': s.LANGUAGE_CODE, 'time_zone': s.TIME_ZONE}))"
)
VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
)


def load_settings(**environment) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def settings_with(**environment) -> dict:
    result = load_settings(**environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_no_environment_means_sqlite_and_the_in_memory_layer():
    chosen = settings_with(DJANGO_DEBUG="1")
    assert chosen["engine"] == "django.db.backends.sqlite3"
    assert chosen["layer"] == "channels.layers.InMemoryChannelLayer"
    assert chosen["cache"].endswith("LocMemCache")
    assert chosen["language"] == "ja"
    assert chosen["time_zone"] == "Asia/Tokyo"


def test_database_url_selects_postgresql_with_a_connection_pool():
    chosen = settings_with(DJANGO_DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/x")
    assert chosen["engine"] == "django.db.backends.postgresql"
    assert chosen["pool"]["max_size"] >= chosen["pool"]["min_size"] >= 1
    assert chosen["conn_max_age"] == 0


def test_the_pool_can_be_switched_off_for_persistent_connections():
    chosen = settings_with(
        DJANGO_DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1/x", DATABASE_POOL="0"
    )
    assert chosen["pool"] is None
    assert chosen["conn_max_age"] == 60


def test_redis_url_selects_the_redis_channel_layer_and_cache():
    chosen = settings_with(DJANGO_DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/0")
    assert chosen["layer"] == "channels_redis.core.RedisChannelLayer"
    assert chosen["cache"] == "onlinecityhall.cache.FailoverRedisCache"


def test_without_debug_the_site_refuses_to_start_without_a_secret_key():
    result = load_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_settings_are_secure_by_default():
    chosen = settings_with(DJANGO_SECRET_KEY="x" * 60, DJANGO_ALLOWED_HOSTS="cityhall.example.jp")
    assert chosen["debug"] is False
    assert chosen["hsts"] >= 31_536_000
    assert chosen["secure_cookie"] is True
    assert chosen["ssl_redirect"] is True
    assert chosen["hosts"] == ["cityhall.example.jp"]


def test_ssl_redirect_can_be_left_to_a_tls_terminating_proxy():
    chosen = settings_with(DJANGO_SECRET_KEY="x" * 60, DJANGO_SSL_REDIRECT="0")
    assert chosen["ssl_redirect"] is False


def test_check_deploy_reports_no_warnings_in_production_mode():
    env = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    env.update(
        DJANGO_SECRET_KEY="k" * 30 + "-Production-Secret-Value-42!", DJANGO_ALLOWED_HOSTS="a.jp"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def switch_interval(**environment) -> float:
    env = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    env.pop("PYTHON_SWITCH_INTERVAL_MS", None)
    env.update(DJANGO_DEBUG="1", **environment)
    probe = "import sys, onlinecityhall.asgi; print(sys.getswitchinterval())"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return float(result.stdout)


def test_the_server_hands_the_interpreter_lock_over_every_half_millisecond_unless_told():
    assert switch_interval() == 0.0005
    assert switch_interval(PYTHON_SWITCH_INTERVAL_MS="5") == 0.005

"""Production settings: `check --deploy` is clean, secrets only come from the environment, headers are set."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args: str, env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A clean deployment environment: nothing the test process itself set (browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, test settings set TWINSHOP_DATA_DIR) may leak into the check.
    leaked = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "TWINSHOP_DATA_DIR"}
    env = {k: v for k, v in os.environ.items() if k not in leaked}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_check_deploy_reports_no_issues():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env_overrides={"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "shop.example.com"},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env_overrides={"ALLOWED_HOSTS": "shop.example.com"})

    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment" in result.stderr


@pytest.mark.parametrize("weak", [
    "a" * 60,  # issue 20: sixty identical characters passed the length check
    "abab" * 15,
    "django-insecure-" + "k9Qz" * 12,
    secrets.token_urlsafe(64)[:49],
])
def test_production_refuses_a_weak_secret_key(weak):
    result = _manage("check", env_overrides={"SECRET_KEY": weak, "ALLOWED_HOSTS": "shop.example.com"})

    assert result.returncode != 0
    assert "at least 5 different ones" in result.stderr


def _production_csrf_origins(**env: str) -> str:
    result = _manage("shell", "-c", "from django.conf import settings; print(settings.CSRF_TRUSTED_ORIGINS)",
                     env_overrides={"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "shop.example.com", **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_trusts_only_the_origins_it_is_given():
    # Issue 20: production inherited the development default, http://127.0.0.1:8000 and http://localhost:8000.
    assert _production_csrf_origins() == "[]"
    assert _production_csrf_origins(CSRF_TRUSTED_ORIGINS="https://shop.example.com") == "['https://shop.example.com']"


@pytest.mark.django_db
def test_every_page_carries_security_headers(client):
    response = client.get("/healthz")

    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"

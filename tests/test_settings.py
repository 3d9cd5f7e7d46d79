"""Settings come from the environment; production settings pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-check-only-0123456789abcdef",
    "ALLOWED_HOSTS": "cisp.example.org",
}


def manage(*args, **environment):
    inherited = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the last: set by browser tests
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True, check=False
    )


def test_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_language_cookie_is_secure_http_only_and_same_site_in_production(tmp_path):
    choose_khmer = (
        "from django.test import Client; "
        "response = Client(HTTP_HOST='cisp.example.org').post('/i18n/setlang/', {'language': 'km'}, secure=True); "
        "print(response.cookies['django_language'].output())"
    )
    result = manage("shell", "-c", choose_khmer, **PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stdout + result.stderr
    cookie = result.stdout.strip().splitlines()[-1]  # after the shell's own notice
    assert cookie.startswith("Set-Cookie: django_language=km;")
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "SameSite=Lax" in cookie

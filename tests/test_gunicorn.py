"""The app under gunicorn as production runs it (gunicorn.conf.py): sync workers with a request
timeout, and no `Server` header naming the software."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
INHERITED = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "GUNICORN_CMD_ARGS"}


def test_gunicorn_runs_sync_workers_with_a_request_timeout():
    result = subprocess.run(
        [GUNICORN, "--print-config", "cisp.wsgi"], cwd=PROJECT, capture_output=True, text=True, check=True
    )
    config = dict(line.split(" = ", 1) for line in result.stdout.splitlines() if " = " in line)
    settings = {name.strip(): value.strip() for name, value in config.items()}

    assert settings["config"] == "./gunicorn.conf.py"
    assert (settings["worker_class"], settings["threads"], settings["timeout"]) == ("sync", "1", "60")


def test_gunicorn_sends_no_server_header(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if key not in INHERITED}
    env.update(
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-key-for-the-test-only-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    server = subprocess.Popen(
        [GUNICORN, "cisp.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        response = _get_when_up(port, "/i18n/setlang/", timeout=60)
        headers = {name.lower(): value for name, value in response.getheaders()}
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)

    assert response.status == 302, errors
    assert "server" not in headers
    assert "default-src 'self'" in headers["content-security-policy"]  # a response of the app itself


def _get_when_up(port: int, path: str, *, timeout: float) -> http.client.HTTPResponse:
    deadline = time.monotonic() + timeout
    while True:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
            response = connection.getresponse()
            response.read()
            return response
        except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        finally:
            connection.close()

"""What several app servers behind one proxy need: compressed pages, a shared cache and sessions."""

import gzip

import redis
from django.urls import reverse

from tests.test_settings import manage


def test_a_page_is_sent_compressed_to_a_browser_that_accepts_it(client_for, users):
    client = client_for(users["coordinator"])
    url = reverse("workplan:work_plan", args=["00067193", 1])

    compressed = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    plain = client.get(url)

    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content).decode().count("Establish a PMC") == 1
    assert len(compressed.content) < len(plain.content) / 3


def test_with_a_cache_url_the_cache_and_sessions_live_in_redis():
    # Redis runs on this machine (and in CI) at 127.0.0.1:6379.
    redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    code = (
        "from django.conf import settings; from django.core.cache import cache; "
        "cache.set('cisp-several-servers', 'shared', 30); "
        "print(settings.SESSION_ENGINE, cache.get('cisp-several-servers'))"
    )
    result = manage("shell", "-c", code, CACHE_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["django.contrib.sessions.backends.cached_db", "shared"]
    # Another process, as another server would, reads what the first one wrote.
    assert redis.Redis.from_url("redis://127.0.0.1:6379/0").keys("*cisp-several-servers")

"""Gunicorn's settings for CISP Monitor, read from the directory gunicorn starts in
(`gunicorn cisp.wsgi --bind ... --workers 3`, see README "Production notes").

Sync workers, one request at a time each, and a request timeout: a worker silent for `timeout`
seconds (a request that runs too long, a workbook that takes too long to read) is killed by the
master and replaced, so one bad request cannot hold a server. With threads (`--threads` above 1
makes gunicorn use gthread workers) the worker's main thread keeps answering the master while a
request is stuck in another thread, and the timeout stops nothing.
"""

import gunicorn.http.wsgi

worker_class = "sync"
threads = 1
timeout = 60
graceful_timeout = 30

# No `Server: gunicorn` header: gunicorn 27 has no setting for it, so its responses' default headers
# are filtered here, in the master, before the workers are forked.
_default_headers = gunicorn.http.wsgi.Response.default_headers


def _default_headers_without_server(response):
    return [header for header in _default_headers(response) if not header.lower().startswith("server:")]


gunicorn.http.wsgi.Response.default_headers = _default_headers_without_server

"""Gunicorn settings for every way shian is served: `make serve` / `make demo`, the systemd unit in deploy/, the
browser tests and the load test all run `python -m gunicorn -c python:shian.gunicorn_conf shian.wsgi`.

Everything comes from the environment (deploy/shian.env.example lists it):

- `SHIAN_BIND` (default `127.0.0.1:8000`): address and port; `make serve` passes `--bind $(HOST):$(PORT)`.
- `SHIAN_WEB_WORKERS` (default 2): worker processes. Each one holds the whole app; on a county server 2 to
  (2 x cores) is right. `SHIAN_WEB_THREADS` (default 4) threads per worker answer requests that wait on the
  database while another computes.
- `SHIAN_WEB_TIMEOUT` (default 60): seconds before a stuck request's worker is restarted.
- `SHIAN_ACCESS_LOG` (default `-`, standard output, which systemd puts in the journal): one line per request
  with method, path, status, size, milliseconds and the request id (the `X-Request-ID` that the audit log
  keeps), so a slow page is found by grepping the log.
"""

import os
import signal


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "shian.wsgi:application"
bind = [os.environ.get("SHIAN_BIND", "").strip() or "127.0.0.1:8000"]
workers = _int("SHIAN_WEB_WORKERS", 2)
threads = _int("SHIAN_WEB_THREADS", 4)
worker_class = "gthread"
timeout = _int("SHIAN_WEB_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with jitter so they do not all restart together): a slow leak in
# a library cannot grow for weeks. Not much fewer: a replacement boots the whole app (about 2 s on two busy cores)
# while its share of requests waits, and at 2,000 the public load test (64 requests/s) replaced each worker every
# minute and its p99 was the boot time (docs/portal.md §5).
max_requests = 20000
max_requests_jitter = 2000

accesslog = os.environ.get("SHIAN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("SHIAN_LOG_LEVEL", "info").lower()
# client, request line, status, bytes, milliseconds, request id
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s'

# Behind nginx on the same machine (deploy/nginx/shian.conf): trust its X-Forwarded-Proto for wsgi.url_scheme.
# The client address for lockouts and the audit log comes from SHIAN_TRUSTED_PROXIES (shian.core.clientip).
forwarded_allow_ips = os.environ.get("SHIAN_TRUSTED_PROXIES", "").strip() or "127.0.0.1"
proc_name = "shian-web"
# No runtime control socket (gunicornc): systemd stops and reloads by signal, and several servers on one machine
# (make serve, the browser tests, the load test) would otherwise contend for the one default socket path.
control_socket_disable = True


def post_worker_init(worker):
    """Ctrl-C in `make serve` signals the whole process group: the workers leave SIGINT to the master, which stops
    them with SIGQUIT (a worker that took SIGINT itself as well hung until the 30 s graceful timeout)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

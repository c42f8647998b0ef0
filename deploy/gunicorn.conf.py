"""gunicorn settings for the incubator: `gunicorn -c deploy/gunicorn.conf.py`.

Every value can be overridden from the environment (GUNICORN_BIND, WEB_CONCURRENCY, ...), so one file serves
every host. The app keeps no state in the process, so workers and hosts can be added freely.
"""

import multiprocessing
import os
import re

from gunicorn.glogging import Logger

wsgi_app = "incubator:create_app()"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Two workers per core plus one (gunicorn's advice for synchronous workers), unless told otherwise.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))  # exports of a whole fiscal year finish well inside it
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Recycle workers now and then, at different moments, so that slow leaks never add up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))
preload_app = False  # each worker opens its own database pool after the fork

# The reverse proxy's address: only it may set X-Forwarded-*. The app itself trusts TRUSTED_PROXY_COUNT hops
# (werkzeug's ProxyFix); keep the two in step.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Access log on stdout (journald keeps it): no query string, which can carry personal data or tokens.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# %(U)s is the path alone; %(p)s the worker's process id (which worker answered, e.g. before a timeout).
access_log_format = '%(h)s %(p)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms "%({x-request-id}i)s"'
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# A path segment that is a secret token (verification, password reset, calendar and invitation links): 20 or more
# URL-safe characters, where no fixed part of any address is longer than 17.
SECRET_SEGMENT = re.compile(r"/[A-Za-z0-9_-]{20,}(?=[./]|$)")


class AccessLogger(Logger):
    """gunicorn's logger, writing a link's secret token as <token> (the app's own request line does the same)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = SECRET_SEGMENT.sub("/<token>", atoms["U"] or "")
        return atoms


logger_class = AccessLogger

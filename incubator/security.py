"""Web security that every response and every worker shares.

- Response headers: a Content-Security-Policy, frame, sniffing and referrer protection, HSTS over HTTPS, and
  ``Cache-Control: no-store`` on everything but the static files (which are cached for long, by versioned URL)
  and the conditional answers of ``incubator.conditional`` (``private, no-cache``: kept, and asked again).
- The client's address and scheme behind ``TRUSTED_PROXY_COUNT`` reverse proxies (werkzeug's ProxyFix).
- ``FailureThrottle``: failures per identity (an account, an address) counted in the shared rate-limit store
  (``RATELIMIT_STORAGE_URI``, Redis in production), so that every worker on every host counts together.

Nothing here knows any feature.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time

from flask import Flask, current_app, request
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix

from incubator.conditional import REVALIDATE_ATTR

# Scripts only from files of this site (Bootstrap is served locally; no template has an inline script).
# Styles also allow inline: pygal writes a <style> element and style attributes into every chart's SVG, so neither
# a file nor hashes can carry them (a nonce would not cover the attributes).
# Injected CSS is far weaker than injected script, and every value in a template is escaped anyway.
# img-src allows data: for the small SVG icons inside Bootstrap's CSS (select arrows, the close button).
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HSTS = "max-age=31536000"  # a year; no includeSubDomains: other hosts under the city's domain are not ours

STATIC_ENDPOINTS = ("static", "bootstrap.static")
STATIC_VERSION_ARG = "v"
LONG_CACHE = "public, max-age=31536000, immutable"  # the URL changes whenever the file does
SHORT_CACHE = "public, max-age=3600"  # a static file asked for without its version


def init_app(app: Flask) -> None:
    count = app.config["TRUSTED_PROXY_COUNT"]
    if count:
        # Trust exactly that many proxies' X-Forwarded-For and -Proto: anything further left is the client's word.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
    app.after_request(_set_headers)
    app.url_defaults(_version_static_urls)
    app.extensions["incubator.security"] = _Counters(app)


def _set_headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    if request.endpoint in STATIC_ENDPOINTS and response.status_code in (200, 304):
        headers["Cache-Control"] = LONG_CACHE if request.args.get(STATIC_VERSION_ARG) else SHORT_CACHE
        headers.pop("Pragma", None)
    elif getattr(response, REVALIDATE_ATTR, None):
        # The other exception to no-store, and the only one for data: reports, exports and calendar feeds that
        # incubator.conditional tagged (ETag, 304) carry "private, no-cache": the browser keeps its copy and asks
        # again each time; no shared cache keeps it. Nothing else sets this attribute, so nothing else is kept.
        headers["Cache-Control"] = getattr(response, REVALIDATE_ATTR)
        headers.pop("Pragma", None)
    else:
        # Pages, downloads, feeds and errors: personal data or a CSRF token, never kept by a browser or a proxy.
        headers["Cache-Control"] = "no-store"
    return response


def _version_static_urls(endpoint: str, values: dict) -> None:
    """Add a digest of the file to static URLs, so that they can be cached for long and still change."""
    if endpoint not in STATIC_ENDPOINTS or "filename" not in values or STATIC_VERSION_ARG in values:
        return
    blueprint = current_app.blueprints.get(endpoint.rpartition(".")[0]) if "." in endpoint else current_app
    folder = getattr(blueprint, "static_folder", None)
    if not folder:
        return
    path = os.path.join(folder, values["filename"])
    try:
        stat = os.stat(path)
    except OSError:
        return  # no such file: the URL answers 404 anyway
    values[STATIC_VERSION_ARG] = _content_digest(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _content_digest(path: str, _mtime_ns: int, _size: int) -> str:
    """A short digest of the file, read again only when it changes: every host gives the same URL for it."""
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:12]


class _Counters:
    """The shared store and the strategy of one app; created when the app is, connected on first use."""

    def __init__(self, app: Flask) -> None:
        self.enabled = app.config["RATELIMIT_ENABLED"]
        self.prefix = app.config.get("RATELIMIT_KEY_PREFIX", "") or ""
        self.strategy = MovingWindowRateLimiter(storage_from_string(app.config["RATELIMIT_STORAGE_URI"])) \
            if self.enabled else None


class FailureThrottle:
    """At most ``config[setting]`` failures (e.g. "10 per 15 minutes") per identity, in a moving window.

    Identities (an e-mail address, say) are stored as digests: the shared store holds no personal data. Like the
    other rate limits, it is off when ``RATELIMIT_ENABLED`` is.
    """

    def __init__(self, name: str, setting: str) -> None:
        self.name = name
        self.setting = setting

    def _parts(self, identity: str):
        counters: _Counters = current_app.extensions["incubator.security"]
        if not counters.enabled:
            return None
        digest = hashlib.sha256(identity.encode()).hexdigest()
        return counters.strategy, parse(current_app.config[self.setting]), (counters.prefix, self.name, digest)

    def is_locked(self, identity: str) -> bool:
        """True when the identity has used up its failures for now."""
        parts = self._parts(identity)
        if parts is None:
            return False
        strategy, item, key = parts
        return not strategy.test(item, *key)

    def fail(self, identity: str) -> bool:
        """Count a failure; True when this one used up the identity's allowance (it is locked from now on)."""
        parts = self._parts(identity)
        if parts is None:
            return False
        strategy, item, key = parts
        strategy.hit(item, *key)
        return not strategy.test(item, *key)

    def retry_after(self, identity: str) -> int:
        """Seconds until the identity may fail again (at least 1)."""
        parts = self._parts(identity)
        if parts is None:
            return 1
        strategy, item, key = parts
        reset_at = strategy.get_window_stats(item, *key).reset_time
        return max(1, int(reset_at - time.time()) + 1)

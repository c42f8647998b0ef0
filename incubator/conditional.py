"""Conditional answers for reports, exports and calendar feeds: an ETag, and 304 Not Modified when the reader's
copy is still the right one.

The ETag is a digest of what the reader would get: the page's HTML with its CSRF tokens left out (a token is
signed anew on every page but stays valid for the session, so a kept page's forms still work), an export's
sheets as data (an XLSX file's bytes carry the time it was written), a feed's text. So nothing is kept on the
server: every worker on every host computes the same tag for the same figures, and a changed figure changes it.

These answers are ``Cache-Control: private, no-cache``: a browser may keep them but must ask each time (they hold
an organization's or a person's figures, so never a shared cache), and ``Vary: Cookie, Accept-Language``.
``security`` gives every other answer ``no-store``.
"""

from __future__ import annotations

import functools
import hashlib
import re

from flask import Response, make_response, request

REVALIDATE = "private, no-cache"
_CSRF_TOKEN = re.compile(rb'name="csrf_token" value="[^"]*"')


def digest(*parts: bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part)
        hasher.update(b"\0")
    return hasher.hexdigest()[:32]


def answer(response: Response, tag: str | None = None) -> Response:
    """Tag a successful answer (by ``tag``, or by its body without CSRF tokens) and answer 304 when the request's
    If-None-Match names that tag."""
    if response.status_code != 200:
        return response
    if tag is None:
        tag = digest(_CSRF_TOKEN.sub(b"", response.get_data()))
    response.set_etag(tag)
    response.cache_control_rule = REVALIDATE  # read by security._set_headers
    response.vary.update(("Cookie", "Accept-Language"))
    return response.make_conditional(request)


def conditional(view):
    """A view decorator: its answer is tagged and may be 304 (see ``answer``)."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        return answer(make_response(view(*args, **kwargs)))

    return wrapped

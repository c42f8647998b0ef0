"""Conditional answers for reports, exports and calendar feeds: an ETag (and a Last-Modified where the caller has a
correct stamp), and 304 Not Modified with no body when the reader's copy is still the right one.

The ETag is strong, a digest of the bytes the reader gets (werkzeug's own ``add_etag``), so every worker on every
host gives the same tag for the same answer, nothing is kept on the server, and a changed figure changes it. The
bytes must therefore be the same for the same data: exports write their files deterministically
(``incubator.exports``), charts are drawn with stable ids. One exception: an HTML page's CSRF tokens are signed anew
on every page, so they are left out of its digest and replaced by the session's own CSRF secret; a kept page's
tokens are then ones this session still accepts (``WTF_CSRF_TIME_LIMIT`` is None), and a new session gets a new
tag.

These answers are ``Cache-Control: private, no-cache``: the browser may keep them but must ask each time, and no
shared cache may keep them at all (they hold an organization's or a person's figures). ``security._set_headers``
gives that header to every response that carries ``REVALIDATE_ATTR`` and ``no-store`` to every other one.
"""

from __future__ import annotations

import functools
import hashlib
import re
from datetime import datetime, timedelta, timezone

from flask import Response, current_app, make_response, request, session

REVALIDATE = "private, no-cache"
REVALIDATE_ATTR = "cache_control_rule"  # read by security._set_headers
PAGE_VARY = ("Cookie", "Accept-Language")  # a page is the signed-in reader's, in their language
_CSRF_TOKEN = re.compile(rb'name="csrf_token" value="[^"]*"')


def _page_tag(body: bytes) -> str:
    hasher = hashlib.sha256(_CSRF_TOKEN.sub(b"", body))
    if _CSRF_TOKEN.search(body):
        secret = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")
        hasher.update(b"\0" + str(secret).encode())
    return hasher.hexdigest()[:40]


def answer(response: Response, last_modified: datetime | None = None, vary: tuple[str, ...] = PAGE_VARY) -> Response:
    """Tag a successful answer by its body, add ``last_modified`` (the newest change to what it shows) and answer
    304 with no body when the request's If-None-Match (or, without one, If-Modified-Since) says the copy is right.
    Call it after authorization: a 304 tells that the tag was right."""
    if response.status_code != 200:
        return response
    if response.mimetype == "text/html":
        response.set_etag(_page_tag(response.get_data()))
    else:
        response.add_etag()
    # HTTP dates have whole seconds: a stamp from the current second is left out, since a change later in the same
    # second would carry the same date and be taken for this one.
    if last_modified is not None and last_modified.replace(microsecond=0) + timedelta(seconds=1) <= \
            datetime.now(timezone.utc):
        response.last_modified = last_modified
    setattr(response, REVALIDATE_ATTR, REVALIDATE)
    response.vary.update(vary)
    return response.make_conditional(request)


def conditional(view):
    """A view decorator (below the permission check): its answer is tagged and may be 304 (see ``answer``)."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        return answer(make_response(view(*args, **kwargs)))

    return wrapped

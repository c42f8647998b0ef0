"""Parts of a page that are the same for everyone in the same situation, drawn once per worker and reused.

``{% call cached("nav", current_user.role, ...) %}...{% endcall %}`` in a template: the part between the tags is
drawn the first time for that key and taken from memory afterwards. The key always includes the reader's locale
and the address the app is served at; the template adds everything else the part depends on (the role, the
organization, the page's endpoint). A part must depend on nothing else: no CSRF token, no personal data, no
counts. Like the charts' drawings, this is work not done twice, not state: every worker draws the same part for
the same key, and losing it costs one drawing.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import get_locale
from markupsafe import Markup

from incubator.memo import Memo

KEPT = 512


class _Fragments:
    def __init__(self, size: int) -> None:
        self.kept: Memo[Markup] = Memo(size)

    def __call__(self, name: str, *parts, caller) -> Markup:
        key = (name, str(get_locale()), request.host_url, request.script_root, *parts)
        return self.kept.get_or_make(key, lambda: Markup(caller()))


def init_app(app: Flask) -> None:
    app.jinja_env.globals["cached"] = _Fragments(KEPT)

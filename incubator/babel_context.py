"""Faster translation lookups for Flask-Babel 4: the same answers, found with fewer steps.

A list page calls gettext about a hundred times and asks for the locale a few hundred times (every lazy label,
every formatted date, every localized category). Each of those goes through Flask-Babel's
``_get_current_context``, which reads ``flask.g`` through its proxy three times (``not g``, ``hasattr``, the
attribute), and each ``gettext`` also turns the locale into a string to look up the catalog. Profiled on the
support queue, that was a fifth of the time of the whole request.

Two changes, at the cause:
- the request's Babel namespace is read from the application context directly (one ContextVar read);
- the catalog found for (domain, locale) is kept on that namespace for the rest of the request, checked against
  the locale and domain objects in use, so ``force_locale`` and ``refresh`` (which replace the locale object)
  still switch languages at once.

Nothing is kept between requests (the namespace lives on ``g``), so workers share no state. The patch is applied
only to the Flask-Babel major version it was written for; on any other it does nothing.
"""

from __future__ import annotations

from importlib.metadata import version
from types import SimpleNamespace

import flask_babel
from flask.globals import _cv_app

_original_get_translations = flask_babel.Domain.get_translations


def _current_context() -> SimpleNamespace | None:
    """Flask-Babel's per-request namespace on ``g`` (None outside an application context)."""
    app_context = _cv_app.get(None)
    if app_context is None:
        return None
    g = app_context.g
    try:
        return g._flask_babel
    except AttributeError:
        g._flask_babel = namespace = SimpleNamespace()
        return namespace


def _get_translations(self: flask_babel.Domain):
    context = _current_context()
    if context is None:
        return _original_get_translations(self)
    locale = flask_babel.get_locale()
    kept = getattr(context, "incubator_translations", None)
    if kept is not None and kept[0] is locale and kept[1] is self:
        return kept[2]
    translations = _original_get_translations(self)
    context.incubator_translations = (locale, self, translations)
    return translations


def install() -> bool:
    """Apply the faster lookups once; True when applied (Flask-Babel 4.x), False otherwise."""
    if not version("flask-babel").startswith("4."):
        return False
    flask_babel._get_current_context = _current_context
    flask_babel.Domain.get_translations = _get_translations
    return True

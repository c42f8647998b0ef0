from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import abort, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from incubator.auth.services import load_with_profile
from incubator.core import bp
from incubator.core.forms import LanguageForm
from incubator.core.services import dashboard_context
from incubator.extensions import db, limiter
from incubator.i18n import LOCALES
from incubator.permissions import is_signed_in, public, requires
from incubator.urls import safe_next

logger = logging.getLogger("incubator.core")


@bp.route("/")
@public
def index():
    return render_template("core/index.html")


@bp.route("/dashboard")
@requires(is_signed_in)
def dashboard():
    user = load_with_profile(current_user.id)
    return render_template("core/dashboard.html", user=user, **dashboard_context(user))


@bp.route("/language", methods=["POST"])
@public
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    if form.locale.data not in LOCALES:
        abort(400, description=_("Sorry, that language is not available. Please choose one from the list."))
    session["locale"] = form.locale.data
    if current_user.is_authenticated:
        # A signed-in person's saved preference wins over the switcher, so the switcher updates it.
        current_user.locale = form.locale.data
        db.session.commit()
    return redirect(safe_next(form.next.data) or url_for("core.index"))


@bp.route("/healthz")
@public
@limiter.exempt  # load balancers probe it every few seconds from one address
def healthz():
    g.quiet = True  # a passing probe is not written to the access log (observability._finish); a failing one is
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:
        logger.exception("health check: database unavailable")
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/metrics")
@public
def metrics():
    """Prometheus metrics, when METRICS_ENABLED; only from this machine or with METRICS_TOKEN (else 404)."""
    from incubator.metrics import metrics as answer

    return answer()


@bp.route("/readyz")
@public
def readyz():
    """For the load balancer: the database answers, its schema is this code's, Redis answers (when used)."""
    from incubator.observability import readiness

    checks = readiness()
    ready = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if ready else "error", **checks), 200 if ready else 503

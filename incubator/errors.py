"""Error pages: translated, in the site's layout, never a stack trace."""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from incubator.extensions import db
from incubator.formstate import StaleForm

logger = logging.getLogger("incubator.errors")

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    401: (_l("Please sign in"), _l("You need to sign in to see this page.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("We could not find this page. It may have moved, or the address may be wrong.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("Someone else changed this at the same time. Please reload and try again.")),
    413: (_l("Too large"), _l("The upload is larger than allowed. Please send a smaller file.")),
    422: (_l("Please check your input"), _l("Some of the information sent could not be processed.")),
    429: (_l("Too many attempts"), _l("Too many requests in a short time. Please wait a minute and try again.")),
    500: (_l("Something went wrong"),
          _l("An unexpected error occurred on our side. It has been recorded; please try again later.")),
}

RACE_MESSAGE = _l("Someone else saved the same record at the same moment, so your change was not saved. "
                  "What you typed is below: open the page again to see what is saved now, and apply your "
                  "change again if it is still needed.")
BUSY_MESSAGE = _l("The system was busy saving someone else's change, so yours was not saved. What you typed is "
                  "below: please send it again.")

# Posted fields never shown back: tokens, and passwords.
_HIDDEN_FIELDS = ("csrf_token", "once_token", "saved_state", "version")


def typed_input() -> list[tuple[str, str]]:
    """What the person typed into the form that could not be saved, so that the conflict page can give it back."""
    if request.method != "POST":
        return []
    return [(name, value) for name, value in request.form.items(multi=True)
            if value and name not in _HIDDEN_FIELDS and "password" not in name][:60]


# Packages that can answer a unique-key race better than the conflict page register here (``once`` replays the
# first post of a form sent twice); errors stays ground and imports none of them.
INTEGRITY_ANSWERS: list = []


def render_conflict(message=None, code: int = 409):
    """The conflict page: says what happened and gives back what the person typed."""
    return render_template("errors/conflict.html", code=code, title=MESSAGES[409][0],
                           message=message or RACE_MESSAGE, typed=typed_input(),
                           back=_local_referrer()), code


def _local_referrer() -> str | None:
    """The page the form was on, when it is a page of this site."""
    from urllib.parse import urlsplit

    from incubator.urls import safe_next

    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host:
        return None
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))


CSRF_MESSAGE = _l("This form has expired or was not sent from this site. Please reload the page and try again.")


def render_error(code: int, message=None):
    title, default = MESSAGES.get(code, MESSAGES[500])
    if request.path in ("/healthz", "/readyz") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=str(title), message=str(message or default)), code
    return render_template("errors/error.html", code=code, title=title, message=message or default), code


CONTROL_IN_ADDRESS = _l("The address contains invisible control characters. Please check the link and try again.")


def register_errorhandlers(app) -> None:
    @app.before_request
    def refuse_control_characters_in_address():
        # A NUL in a filter or search reaches the database otherwise (PostgreSQL refuses it with an error).
        from werkzeug.exceptions import BadRequest

        from incubator.forms import CONTROL_CHARACTERS

        if CONTROL_CHARACTERS.search(request.path) or any(
                CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value)
                for key, value in request.args.items(multi=True)):
            raise BadRequest(description=str(CONTROL_IN_ADDRESS))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        db.session.rollback()
        for answer in INTEGRITY_ANSWERS:
            replay = answer(error)
            if replay is not None:
                return replay
        logger.warning("integrity conflict on %s %s: %s", request.method, request.path, type(error.orig).__name__)
        return render_conflict()

    @app.errorhandler(StaleForm)
    def stale_form(error: StaleForm):
        db.session.rollback()
        logger.info("stale form on %s %s", request.method, request.path)
        return render_conflict(_("Someone else changed this record while you were editing it (%(fields)s), so "
                                 "your changes were not saved. What you typed is below: open the page again to "
                                 "see what is saved now, and apply your changes again.",
                                 fields=", ".join(error.fields)))

    @app.errorhandler(StaleDataError)
    def stale_data(error: StaleDataError):
        db.session.rollback()
        logger.warning("stale data on %s %s", request.method, request.path)
        return render_conflict()

    @app.errorhandler(OperationalError)
    def operational_error(error: OperationalError):
        db.session.rollback()
        if "locked" in str(error.orig).lower() or "deadlock" in str(error.orig).lower() \
                or "could not serialize" in str(error.orig).lower():
            logger.warning("lock conflict on %s %s", request.method, request.path)
            return render_conflict(BUSY_MESSAGE)
        logger.exception("database error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code not in MESSAGES:
            return error
        # Use a description only where our own code wrote one for the user (abort(400, description=_(...))).
        custom = error.description if error.description != type(error).description else None
        return render_error(error.code, custom)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)

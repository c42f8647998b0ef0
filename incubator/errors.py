"""Error pages: translated, in the site's layout, never a stack trace."""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from incubator.extensions import db

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

CSRF_MESSAGE = _l("This form has expired or was not sent from this site. Please reload the page and try again.")


def render_error(code: int, message=None):
    title, default = MESSAGES.get(code, MESSAGES[500])
    if request.path == "/healthz" or request.accept_mimetypes.best == "application/json":
        return jsonify(error=str(title), message=str(message or default)), code
    return render_template("errors/error.html", code=code, title=title, message=message or default), code


def register_errorhandlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, CSRF_MESSAGE)

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

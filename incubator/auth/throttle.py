"""Sign-in throttling per account.

After ``SIGN_IN_ACCOUNT_LIMIT`` failed sign-ins to one address (from any client address: rotating addresses does
not help), signing in to it pauses until the oldest failure leaves the window, and the account's owner gets one
mail. Every worker counts in the shared rate-limit store. The limits per client address are Flask-Limiter's
(``LOGIN_RATE_LIMIT``).
"""

from __future__ import annotations

import logging
import math
from functools import wraps

from flask import make_response, request
from flask_babel import ngettext

from incubator.audit import services as audit
from incubator.auth import services
from incubator.errors import render_error
from incubator.extensions import db
from incubator.security import FailureThrottle

logger = logging.getLogger("incubator.auth")

sign_in_failures = FailureThrottle("sign-in", "SIGN_IN_ACCOUNT_LIMIT")


def per_account(view):
    """Guard the sign-in view, which answers 401 to a wrong address or password.

    An address without an account counts like one with, so the pause tells nobody which accounts exist. While
    paused, no password is even checked: a right one would otherwise still tell the guesser that it is right.
    """

    @wraps(view)
    def guarded(*args, **kwargs):
        email = services.normalize_email(request.form.get("email", "")) if request.method == "POST" else ""
        if not email:
            return view(*args, **kwargs)
        if sign_in_failures.is_locked(email):
            audit.sign_in_failed(services.find_by_email(email), "paused")
            return _paused(email)
        response = make_response(view(*args, **kwargs))
        if response.status_code == 401 and sign_in_failures.fail(email):
            services.tell_owner_of_password_guessing(email, minutes=_minutes(email))
            db.session.commit()
            logger.warning("sign-in to an account paused after repeated failures")  # which one: personal data
            return _paused(email)
        return response

    return guarded


def _minutes(email: str) -> int:
    return math.ceil(sign_in_failures.retry_after(email) / 60)


def _paused(email: str):
    minutes = _minutes(email)
    message = ngettext("There have been too many failed sign-ins to this account, so signing in to it is paused "
                       "for %(num)d minute. If you have forgotten your password, you can reset it now.",
                       "There have been too many failed sign-ins to this account, so signing in to it is paused "
                       "for %(num)d minutes. If you have forgotten your password, you can reset it now.", minutes)
    response = make_response(render_error(429, message))
    response.headers["Retry-After"] = str(sign_in_failures.retry_after(email))
    return response

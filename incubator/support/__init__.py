"""Support requests: founding, business and daily-life help, routed to the partner organization that gives it."""

from flask import Blueprint

bp = Blueprint("support", __name__, url_prefix="/support")

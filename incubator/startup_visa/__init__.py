"""The startup-visa case clock: plan confirmation, six-month renewals up to two years, progress meetings."""

from flask import Blueprint

bp = Blueprint("startup_visa", __name__)

"""Exchanges with partner cities: the staff's ledger, each city's liaison portal, calendar feeds and referrals."""

from flask import Blueprint

bp = Blueprint("exchanges", __name__)

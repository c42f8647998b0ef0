"""A venture's outcomes (milestones) and quarterly figures: proposed by tenants, confirmed by staff."""

from flask import Blueprint

bp = Blueprint("milestones", __name__)

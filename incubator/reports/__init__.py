"""The city's programme figures: targets by fiscal year, dashboards with charts, the annual report and exports."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

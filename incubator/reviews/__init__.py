"""Scoring entrepreneur applications against the rubric that admins edit."""

from flask import Blueprint

bp = Blueprint("reviews", __name__)

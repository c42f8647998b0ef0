"""Business Manager readiness: what a venture has and still lacks for Business Manager status."""

from flask import Blueprint

bp = Blueprint("readiness", __name__)

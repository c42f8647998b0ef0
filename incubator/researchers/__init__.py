"""Researcher intake: a researcher's case, from the first inquiry to the end of the stay in Kawasaki."""

from flask import Blueprint

bp = Blueprint("researchers", __name__, url_prefix="/researchers")

"""Ventures at THINK: the staff's record of each venture and its people, and each tenant's view of their own."""

from flask import Blueprint

bp = Blueprint("ventures", __name__)

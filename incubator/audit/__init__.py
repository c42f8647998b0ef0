"""The audit trail: who read, changed, exported, downloaded or was refused what, and when.

A ground package: it imports no feature. Features call ``incubator.audit.services``; permissions and exports send
``incubator.audit.signals``, which ``init_app`` connects here.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from incubator.audit import receivers, services

    receivers.connect()
    app.after_request(services.write_pending)

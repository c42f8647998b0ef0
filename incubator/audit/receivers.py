"""The audit trail's receivers of the ground modules' signals (connected by ``incubator.audit.init_app``)."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from incubator.audit import kinds, services, signals


def _endpoint() -> str:
    return (request.endpoint or "")[:100] if has_request_context() else ""


def _on_access_denied(user, check: str = "", **_kwargs) -> None:
    # Kept although the request fails: that is the point of it.
    services.attempt(user, kinds.DENIED, endpoint=_endpoint(), method=request.method, check=check)


def _on_exported(name: str, fmt: str = "", **_kwargs) -> None:
    actor = current_user if has_request_context() else None
    services.later(actor, kinds.EXPORT, file=name, format=fmt, endpoint=_endpoint())


def connect() -> None:
    # Strong references: the receivers live as long as the process; connecting again changes nothing.
    signals.access_denied.connect(_on_access_denied, weak=False)
    signals.exported.connect(_on_exported, weak=False)

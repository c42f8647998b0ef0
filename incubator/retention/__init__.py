"""Retention under Japan's APPI: personal data is kept only as long as its purpose needs it.

A daily job (registered with the jobs ground package) wipes the personal data of rejected applications
``RETAIN_DECIDED_APPLICATIONS_YEARS`` after the decision and of support requests
``RETAIN_CLOSED_SUPPORT_YEARS`` after they closed: names, contact data, dates of birth, free text and files go;
what the fiscal-year figures count (stage, dates, sector, country, category, organization, status, service
levels) stays, so the reports do not change. Rows are anonymised, never deleted: the audit log refers to them.
This package imports the features' models; no feature imports it.
"""

from flask import Blueprint  # noqa: E402

bp = Blueprint("retention", __name__)

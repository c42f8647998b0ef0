"""The kinds of audit rows that the audit log's filter and a person's own list know by name.

Features write other actions too (``support.reply``, ``venture.update`` ...); those are filtered by their prefix.
The reads and downloads named here are the ones a person is shown (APPI disclosure): ``services.read`` refuses an
action that is not in ``DISCLOSED``, so a new kind of read cannot be left out of the person's list.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Reads of a person's personal data by someone else, and what the person is told was seen.
READS = {
    "application.read": _l("Your application (founders, nationality, date of birth, residence status)"),
    "venture.member.read": _l("Your member record at a venture (nationality, residence status and card)"),
    "people.list.read": _l("The list of members with their residence status and card expiry"),
    "researcher_case.read": _l("Your research stay case"),
    "support.read": _l("Your support request"),
}
# Downloads of a file; the ones of a person's own files are shown to them when someone else downloaded them.
DOWNLOADS = {
    "application.document.download": _l("A document of your application"),
    "support.attachment.download": _l("A file attached to your support request"),
    "exchange.document.download": _l("A document of an exchange"),
}
DISCLOSED = {**READS, **DOWNLOADS}

EXPORT = "export"
DENIED = "access.denied"
SIGN_IN = "auth.login"
SIGN_IN_FAILED = "auth.login_failed"

# The groups of the audit log's filter: a name, its label, and the actions it holds.
GROUPS = {
    "read": (_l("Reads of personal data"), tuple(READS)),
    "download": (_l("Downloads"), tuple(DOWNLOADS)),
    "export": (_l("Exports"), (EXPORT, "profile.export")),
    "denied": (_l("Denied requests"), (DENIED, "support.denied")),
    "sign_in": (_l("Sign-ins"), (SIGN_IN,)),
    "sign_in_failed": (_l("Failed sign-ins"), (SIGN_IN_FAILED,)),
    "permission": (_l("Permission changes"), ("user.create", "user.update")),
}

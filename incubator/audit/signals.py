"""What the ground modules tell the audit trail. They send; ``incubator.audit.receivers`` listens.

Features call ``incubator.audit.services`` directly; these signals are for modules under every feature
(permissions, exports), which must not depend on the audit trail's workings.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the signed-in user refused; kwargs: check (the name of the permission that said no)
access_denied = _signals.signal("access-denied")
# sender: the file's name ("people", "support-requests"); kwargs: fmt ("csv" or "xlsx")
exported = _signals.signal("exported")

"""The one exception services raise when a change breaks a rule of the domain.

Views catch it, roll back, and show ``message`` (already translated, or lazy) to the user; nothing was written.
"""

from __future__ import annotations


class NotAllowed(Exception):
    """The change is not possible; ``message`` says why, in words for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class Conflict(NotAllowed):
    """Someone else changed the same record meanwhile; the user's own input must not be lost."""

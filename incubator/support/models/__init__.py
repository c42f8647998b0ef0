from incubator.support.models.catalog import CannedReply, RoutingRule, SupportCategory  # noqa: F401
from incubator.support.models.requests import (  # noqa: F401
    OPEN_STATUSES, EventKind, ReferenceCounter, RequestStatus, SupportAttachment, SupportEvent, SupportMessage,
    SupportRequest)
from incubator.support.models.figures import FiledMonth, ResolvedMonth  # noqa: F401

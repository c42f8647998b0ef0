"""Import every model, so that the metadata (and so Alembic) sees the whole schema."""

from incubator.audit.models import AuditEntry  # noqa: F401
from incubator.auth.models import Profile, User, UserToken  # noqa: F401
from incubator.auth.twofactor_models import RecoveryCode, TwoFactor  # noqa: F401
from incubator.cities.models import PartnerCity  # noqa: F401
from incubator.organizations.models import Organization  # noqa: F401
from incubator.outbox.models import OutboxMessage  # noqa: F401
from incubator.spaces.models import Lease, Space  # noqa: F401
from incubator.ventures.models import Venture, VentureMember  # noqa: F401
from incubator.applications.models import Application  # noqa: F401
from incubator.researchers.models import CaseStatusChange, ResearcherCase  # noqa: F401
from incubator.reviews.models import Review, ReviewScore, RubricCriterion  # noqa: F401
from incubator.startup_visa.models import VisaEvent  # noqa: F401
from incubator.reminders.models import ReminderLog  # noqa: F401
from incubator.jobs.models import JobRun  # noqa: F401
from incubator.retention.models import DeletionRequest  # noqa: F401
from incubator.milestones.models import Milestone, QuarterlyUpdate  # noqa: F401
from incubator.readiness.models import ReadinessItem  # noqa: F401
from incubator.support.models import (  # noqa: F401
    CannedReply, ReferenceCounter, RoutingRule, SupportAttachment, SupportCategory, SupportEvent, SupportMessage,
    SupportRequest)
from incubator.exchanges.models import (  # noqa: F401
    CalendarFeed, CityContact, Exchange, ExchangeDocument, ExchangeOrganization, ExchangeOutcome, ReferralInvitation)
from incubator.reports.models import Target  # noqa: F401
from incubator.once.models import Submission  # noqa: F401

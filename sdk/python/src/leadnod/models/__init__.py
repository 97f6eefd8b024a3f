"""The objects the API answers, as pydantic models."""
from ._base import LeadNodModel
from .analytics import (ActivityCounts, ClientSummary, Commission, DailyPoint, Earnings,
                        EngagementAnalytics, EscrowTotals, Export, FunnelStage, PaymentEntry,
                        Report, SalesProSummary, Summary, WeeklyPoint, parse_summary)
from .engagements import Activity, Engagement, EscrowFigures, Metrics, Terms
from .messages import Conversation, LastMessage, Message, NotificationPreferences, Participant
from .opportunities import (BulkCreateResult, BulkItemError, ErrorDetail, Interest, Match,
                            MatchBreakdown, Opportunity, SalaryRange)
from .payments import Dispute, EscrowBalance, Evidence, Payment, Resolution
from .users import (AddedMember, MemberCredentials, Profile, PublicUser, RotatedCredentials,
                    Usage, UsageWindow, User)
from .webhooks import Delivery, Event, Webhook

__all__ = [
    "LeadNodModel", "ActivityCounts", "ClientSummary", "Commission", "DailyPoint", "Earnings",
    "EngagementAnalytics", "EscrowTotals", "Export", "FunnelStage", "PaymentEntry", "Report",
    "SalesProSummary", "Summary", "WeeklyPoint", "parse_summary", "Activity", "Engagement",
    "EscrowFigures", "Metrics", "Terms", "Conversation", "LastMessage", "Message",
    "NotificationPreferences", "Participant", "BulkCreateResult", "BulkItemError",
    "ErrorDetail", "Interest", "Match", "MatchBreakdown", "Opportunity", "SalaryRange",
    "Dispute", "EscrowBalance", "Evidence", "Payment", "Resolution", "AddedMember",
    "MemberCredentials", "Profile", "PublicUser", "RotatedCredentials", "Usage", "UsageWindow",
    "User", "Delivery", "Event", "Webhook",
]

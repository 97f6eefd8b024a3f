"""The resources, as attributes of the client (`client.users`, `client.opportunities`, ...)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .analytics import AsyncAnalytics, AsyncExports, AsyncReports
from .engagements import AsyncActivities, AsyncEngagements
from .events import AsyncEvents
from .messages import AsyncConversations, AsyncMessages, AsyncPreferences
from .opportunities import AsyncOpportunities
from .payments import AsyncDisputes, AsyncEscrow, AsyncPayments
from .team import AsyncTeam
from .usage import AsyncUsageResource
from .users import AsyncUsers
from .webhooks import AsyncWebhooks

if TYPE_CHECKING:
    from .._client import AsyncClient


def attach(client: "AsyncClient") -> None:
    """Give the client its resource attributes (`client.users`, ...)."""
    client.users = AsyncUsers(client)
    client.team = AsyncTeam(client)
    client.opportunities = AsyncOpportunities(client)
    client.engagements = AsyncEngagements(client)
    client.payments = AsyncPayments(client)
    client.messages = AsyncMessages(client)
    client.analytics = AsyncAnalytics(client)
    client.webhooks = AsyncWebhooks(client)
    client.events = AsyncEvents(client)
    client.usage = AsyncUsageResource(client)


__all__ = ["attach", "AsyncAnalytics", "AsyncExports", "AsyncReports", "AsyncActivities",
           "AsyncEngagements", "AsyncEvents", "AsyncConversations", "AsyncMessages",
           "AsyncPreferences", "AsyncOpportunities", "AsyncDisputes", "AsyncEscrow",
           "AsyncPayments", "AsyncTeam", "AsyncUsageResource", "AsyncUsers",
           "AsyncWebhooks"]

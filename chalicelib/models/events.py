"""Each event type's `data` (docs/events.md), and the envelope webhooks deliver.

`EventRecorder.record` checks every event's data against its model here, so these models are
what the code emits, and the OpenAPI document's `webhooks` section is generated from them.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, create_model

from .common import Industry, Model, UserType
from .engagements import ActivityType, EngagementStatus
from .opportunities import OpportunityStatus
from .payments import PaymentType

DateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Changed = Annotated[list[str], Field(description="The names of the fields that changed.")]


def _open_for_additions(schema: dict) -> None:
    schema.pop("additionalProperties", None)


class EventData(Model):
    # Forbidding extras makes a field added at a call site fail until it is declared here;
    # the published schema stays open, since adding a field does not break consumers.
    model_config = ConfigDict(extra="forbid", json_schema_extra=_open_for_additions)


class UserCreatedData(EventData):
    user_id: str
    type: UserType
    organization_id: str | None = Field(
        None, description="Client users: the organization they belong to (docs/teams.md).")
    role: Literal["owner", "admin", "member"] | None = None


class UserUpdatedData(EventData):
    user_id: str
    changed: Changed


class UserVerifiedData(EventData):
    user_id: str


class OpportunityData(EventData):
    opportunity_id: str
    client_id: str
    title: str
    status: OpportunityStatus
    industry: Industry | None


class OpportunityUpdatedData(OpportunityData):
    changed: Changed


class OpportunityClosedData(OpportunityData):
    deleted: bool = Field(False, description="Present (true) when closed by a delete.")


class OpportunityMatchedData(EventData):
    opportunity_id: str
    client_id: str
    candidate_count: int
    top_sales_pro_ids: list[str] = Field(max_length=5)
    new_sales_pro_id: str | None = Field(
        None, description="Present when one re-scored sales professional joined the list.")


class EngagementData(EventData):
    engagement_id: str
    opportunity_id: str
    client_id: str
    sales_pro_id: str
    status: EngagementStatus


class EngagementTerminatedData(EngagementData):
    reason: str


class ActivityLoggedData(EventData):
    activity_id: str
    engagement_id: str
    client_id: str
    sales_pro_id: str
    type: ActivityType
    value: int | None = Field(description="Deal value in minor units (`deal_closed` only).")
    occurred_at: DateTime
    logged_by: str


class PaymentData(EventData):
    payment_id: str
    type: PaymentType
    engagement_id: str
    client_id: str
    sales_pro_id: str
    amount: int = Field(description="Minor units of `currency`.")
    currency: str


class PaymentReleasedData(PaymentData):
    trigger: Literal["client", "auto_release", "dispute_resolution"]
    dispute_id: str | None = Field(None, description="On a dispute resolution's release.")


class PaymentRefundedData(PaymentData):
    trigger: Literal["client", "termination", "dispute_resolution"]
    dispute_id: str | None = Field(None, description="On a dispute resolution's refund.")


class PaymentFailedData(PaymentData):
    failure_code: str
    failure_message: str


class CredentialsRotatedData(EventData):
    user_id: str = Field(description="Whose credential was rotated.")
    client_id: str
    rotated_by: str = Field(description="The user who rotated it (the owner or an admin "
                                        "for a member's).")
    previous_secret_expires_at: str = Field(description="When the previous secret stops "
                                                        "working (ISO-8601 UTC).")


class DisputeResolutionSummary(EventData):
    release: int
    refund: int
    method: Literal["operator", "accepted"]


class EscrowDisputeData(EventData):
    dispute_id: str
    engagement_id: str
    client_id: str
    sales_pro_id: str
    amount: int
    currency: str
    opened_by: str
    status: Literal["open", "resolved"]
    reason: str | None = Field(None, description="When the dispute opens.")
    resolution: DisputeResolutionSummary | None = Field(None, description="When it is resolved.")


class ConversationStartedData(EventData):
    conversation_id: str
    participant_ids: list[str]
    engagement_id: str | None


class MessageReceivedData(EventData):
    message_id: str
    conversation_id: str
    sender_id: str
    recipient_id: str


class PingData(EventData):
    webhook_id: str


EVENT_DATA: dict[str, type[EventData]] = {
    "user.created": UserCreatedData, "user.updated": UserUpdatedData,
    "user.verified": UserVerifiedData,
    "opportunity.created": OpportunityData, "opportunity.updated": OpportunityUpdatedData,
    "opportunity.closed": OpportunityClosedData, "opportunity.matched": OpportunityMatchedData,
    "engagement.created": EngagementData, "engagement.started": EngagementData,
    "engagement.completed": EngagementData, "engagement.terminated": EngagementTerminatedData,
    "activity.logged": ActivityLoggedData,
    "payment.received": PaymentData, "payment.released": PaymentReleasedData,
    "payment.refunded": PaymentRefundedData, "payment.failed": PaymentFailedData,
    "credentials.rotated": CredentialsRotatedData,
    "escrow.funded": PaymentData, "escrow.dispute": EscrowDisputeData,
    "message.received": MessageReceivedData, "conversation.started": ConversationStartedData,
}
# Sent only by `POST /v1/webhooks/{id}/test`, never recorded.
TEST_EVENT_DATA: dict[str, type[EventData]] = {"ping": PingData}


class EventEnvelope(Model):
    """What every webhook delivery's body and every `/v1/events` entry is."""
    id: str = Field(description="`evt_...`; deliveries are at-least-once: dedupe on it.")
    type: str
    created: DateTime
    api_version: str = Field(examples=["2024-06-01"])
    environment: Literal["production", "sandbox"]
    data: dict


def envelope_model(event_type: str, data: type[EventData]) -> type[EventEnvelope]:
    """`EventEnvelope` with `type` fixed to `event_type` and `data` typed, named e.g.
    `OpportunityCreatedEvent`."""
    name = "".join(part.capitalize() for part in event_type.replace(".", "_").split("_"))
    fixed_type = Literal[event_type]  # type: ignore[valid-type]
    return create_model(f"{name}Event", __base__=EventEnvelope,
                        __doc__=f"The `{event_type}` event.",
                        type=(fixed_type, ...), data=(data, ...))

"""Webhook endpoints, their deliveries, and events."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional

from ._base import LeadNodModel


class Webhook(LeadNodModel):
    """A webhook endpoint. `secret` is only there when it was just created or rotated."""
    id: str
    url: str
    events: List[str]
    status: str  # enabled | disabled
    disabled_reason: Optional[str] = None  # manual | failing
    secret_last4: str
    secret: Optional[str] = None
    created_at: datetime
    updated_at: datetime


class Delivery(LeadNodModel):
    id: str
    webhook_id: str
    event_id: str
    event_type: str
    status: str  # pending | succeeded | failed
    attempts: int = 0
    last_attempt_at: Optional[datetime] = None
    last_response_status: Optional[int] = None
    last_response_ms: Optional[int] = None
    last_error: Optional[str] = None
    next_retry_at: Optional[datetime] = None
    created_at: datetime


class Event(LeadNodModel):
    """What happened: the body of a webhook request, or an item of `events.list()`."""
    id: str
    type: str
    created: datetime
    api_version: str
    environment: str  # sandbox | production
    data: Dict[str, Any]

"""`/v1/engagements`: create, list, read, lifecycle, activities and metrics."""
from __future__ import annotations

from chalice import Blueprint

from ..auth.caller import Caller
from ..models.common import ListParams, NoBody, Page
from ..models.engagements import (Activity, ActivityCreate, Engagement, EngagementCreate,
                                  EngagementListParams, Metrics, TerminateBody)
from ..wiring import container
from .operations import operation

bp = Blueprint(__name__)
TAG = "Engagements"
ONE = "/v1/engagements/{engagement_id}"


@operation(bp, "POST", "/v1/engagements", body=EngagementCreate, returns=Engagement,
           status=201, errors=(404, 409), provides={"engagement_id": "/id"}, tag=TAG,
           summary="Create an engagement", answer_in_commit=True)
def create_engagement(caller: Caller, body: EngagementCreate) -> Engagement:
    """The client of an open opportunity engages a sales professional; it is `pending` until
    they accept (`/start`)."""
    return container().engagements.create(caller, body)


@operation(bp, "GET", "/v1/engagements", query=EngagementListParams, returns=Page[Engagement],
           provides={"engagement_id": "/data/0/id"}, tag=TAG, summary="List engagements")
def list_engagements(caller: Caller, query: EngagementListParams) -> Page[Engagement]:
    return container().engagements.list(caller, query)


@operation(bp, "GET", ONE, returns=Engagement, tag=TAG, summary="Get an engagement")
def get_engagement(caller: Caller, engagement_id: str) -> Engagement:
    return container().engagements.get(caller, engagement_id)


@operation(bp, "POST", ONE + "/start", body=NoBody, returns=Engagement, errors=(409,), tag=TAG,
           summary="Accept (start) an engagement", answer_in_commit=True)
def start_engagement(caller: Caller, engagement_id: str) -> Engagement:
    """The sales professional accepts: `pending` → `active`."""
    return container().engagements.transition(caller, engagement_id, "start")


@operation(bp, "POST", ONE + "/complete", body=NoBody, returns=Engagement, errors=(409,),
           tag=TAG, summary="Complete an engagement", answer_in_commit=True)
def complete_engagement(caller: Caller, engagement_id: str) -> Engagement:
    """The client completes an active engagement; escrow left over is released."""
    return container().engagements.transition(caller, engagement_id, "complete")


@operation(bp, "POST", ONE + "/terminate", body=TerminateBody, returns=Engagement,
           errors=(409,), tag=TAG, summary="Terminate an engagement", answer_in_commit=True)
def terminate_engagement(caller: Caller, engagement_id: str, body: TerminateBody) -> Engagement:
    return container().engagements.transition(caller, engagement_id, "terminate",
                                              reason=body.reason)


@operation(bp, "POST", ONE + "/activities", body=ActivityCreate, returns=Activity, status=201,
           errors=(409,), tag=TAG, summary="Log an activity", answer_in_commit=True)
def log_activity(caller: Caller, engagement_id: str, body: ActivityCreate) -> Activity:
    """Either party, on an active engagement. `value` (minor units) only on `deal_closed`."""
    return container().activities.log(caller, engagement_id, body)


@operation(bp, "GET", ONE + "/activities", query=ListParams, returns=Page[Activity], tag=TAG,
           summary="List an engagement's activities")
def list_activities(caller: Caller, engagement_id: str, query: ListParams) -> Page[Activity]:
    return container().activities.list(caller, engagement_id, query)


@operation(bp, "GET", ONE + "/metrics", returns=Metrics, tag=TAG,
           summary="Get an engagement's metrics")
def engagement_metrics(caller: Caller, engagement_id: str) -> Metrics:
    return container().activities.metrics(caller, engagement_id)

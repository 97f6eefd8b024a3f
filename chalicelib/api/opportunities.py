"""`/v1/opportunities`: create (one or in bulk), browse, read, change, delete; interests and
matches of one opportunity."""
from __future__ import annotations

from chalice import Blueprint

from ..auth.caller import Caller
from ..models.common import ListParams, Page
from ..models.errors import ErrorBody
from ..models.matching import MatchListParams, MatchPage
from ..models.opportunities import (BulkCreate, BulkRejected, BulkResult, Interest,
                                    InterestCreate, Opportunity, OpportunityCreate,
                                    OpportunityListParams, OpportunityUpdate)
from ..wiring import container
from .operations import operation

bp = Blueprint(__name__)
TAG = "Opportunities"


@operation(bp, "POST", "/v1/opportunities", body=OpportunityCreate, returns=Opportunity,
           status=201, errors=(409,), provides={"opportunity_id": "/id"}, tag=TAG,
           summary="Create an opportunity", answer_in_commit=True)
def create_opportunity(caller: Caller, body: OpportunityCreate) -> Opportunity:
    """Clients only. The opportunity opens at once and its matching run is queued."""
    return container().opportunities.create(caller, body)


@operation(bp, "GET", "/v1/opportunities", query=OpportunityListParams,
           returns=Page[Opportunity], provides={"opportunity_id": "/data/0/id"}, tag=TAG,
           summary="List opportunities")
def list_opportunities(caller: Caller, query: OpportunityListParams) -> Page[Opportunity]:
    """A client sees its own opportunities; a sales professional browses the open ones."""
    return container().opportunities.list(caller, query)


@operation(bp, "POST", "/v1/opportunities/bulk", body=BulkCreate, returns=BulkResult,
           status=(201, 207), responses={400: (BulkRejected, ErrorBody)}, tag=TAG,
           summary="Create up to 100 opportunities", answer_in_commit=True)
def bulk_create_opportunities(caller: Caller,
                              body: BulkCreate) -> tuple[int, BulkResult | BulkRejected]:
    """Each item is validated and created on its own: 201 when all were created, 207 when
    some were (`data` holds each item's opportunity or error, in order), 400 when none was
    (`data` holds each item's error) or when the request itself is invalid (no `data`)."""
    return container().bulk_opportunities.create(caller, body.opportunities)


@operation(bp, "GET", "/v1/opportunities/{opportunity_id}", returns=Opportunity, tag=TAG,
           summary="Get an opportunity")
def get_opportunity(caller: Caller, opportunity_id: str) -> Opportunity:
    return container().opportunities.get(caller, opportunity_id)


@operation(bp, ("PATCH", "PUT"), "/v1/opportunities/{opportunity_id}", body=OpportunityUpdate,
           returns=Opportunity, errors=(409,), tag=TAG, summary="Update an opportunity")
def update_opportunity(caller: Caller, opportunity_id: str,
                       body: OpportunityUpdate) -> Opportunity:
    """Only the fields sent change; `null` clears an optional field. PUT is an alias of PATCH."""
    return container().opportunities.update(caller, opportunity_id, body)


@operation(bp, "DELETE", "/v1/opportunities/{opportunity_id}", status=204, errors=(409,),
           tag=TAG, summary="Delete an opportunity")
def delete_opportunity(caller: Caller, opportunity_id: str) -> None:
    container().opportunities.delete(caller, opportunity_id)


@operation(bp, "POST", "/v1/opportunities/{opportunity_id}/interest", body=InterestCreate,
           returns=Interest, status=201, errors=(409,), tag=TAG,
           summary="Express interest in an opportunity", answer_in_commit=True)
def express_interest(caller: Caller, opportunity_id: str, body: InterestCreate) -> Interest:
    """Sales professionals only, once per opportunity."""
    return container().interests.express(caller, opportunity_id, body)


@operation(bp, "GET", "/v1/opportunities/{opportunity_id}/interests", query=ListParams,
           returns=Page[Interest], tag=TAG, summary="List an opportunity's interests")
def list_interests(caller: Caller, opportunity_id: str, query: ListParams) -> Page[Interest]:
    return container().interests.list(caller, opportunity_id, query)


@operation(bp, "GET", "/v1/opportunities/{opportunity_id}/matches", query=MatchListParams,
           returns=MatchPage, tag=TAG, summary="List an opportunity's matches")
def list_matches(caller: Caller, opportunity_id: str, query: MatchListParams) -> MatchPage:
    """The best-scored sales professionals, highest first; `matched_at` is null until the
    matching worker has run."""
    return container().matching.matches(caller, opportunity_id, query)

"""`/v1/analytics`: summary, engagement analytics, custom reports and bulk exports."""
from __future__ import annotations

from chalice import Blueprint, Response

from ..auth.caller import current_caller
from ..http import parse_body, parse_query, respond
from ..models.analytics import ExportParams, RangeParams, ReportCreate, SummaryParams
from ..models.common import ListParams
from ..wiring import container
from .routing import AUTH

bp = Blueprint(__name__)


@bp.route("/v1/analytics/summary", methods=["GET"], authorizer=AUTH)
def analytics_summary() -> Response:
    request = bp.current_request
    params = parse_query(request, SummaryParams)
    return respond(container().analytics_summary.summary(current_caller(request), params))


@bp.route("/v1/analytics/engagement/{engagement_id}", methods=["GET"], authorizer=AUTH)
def analytics_engagement(engagement_id: str) -> Response:
    request = bp.current_request
    params = parse_query(request, RangeParams)
    return respond(container().analytics_summary.engagement(
        current_caller(request), engagement_id, params))


@bp.route("/v1/analytics/reports", methods=["POST"], authorizer=AUTH)
def analytics_create_report() -> Response:
    request = bp.current_request
    body = parse_body(request, ReportCreate)
    return respond(container().analytics_reports.create(current_caller(request), body), 201)


@bp.route("/v1/analytics/reports", methods=["GET"], authorizer=AUTH)
def analytics_list_reports() -> Response:
    request = bp.current_request
    params = parse_query(request, ListParams)
    return respond(container().analytics_reports.list(current_caller(request), params))


@bp.route("/v1/analytics/reports/{report_id}", methods=["GET"], authorizer=AUTH)
def analytics_get_report(report_id: str) -> Response:
    caller = current_caller(bp.current_request)
    return respond(container().analytics_reports.get(caller, report_id))


@bp.route("/v1/analytics/export", methods=["GET"], authorizer=AUTH)
def analytics_request_export() -> Response:
    request = bp.current_request
    params = parse_query(request, ExportParams)
    export = container().analytics_exports.request(current_caller(request), params)
    return respond(export, 202, headers={"Location": f"/v1/analytics/export/{export.id}"})


@bp.route("/v1/analytics/export/{export_id}", methods=["GET"], authorizer=AUTH)
def analytics_get_export(export_id: str) -> Response:
    caller = current_caller(bp.current_request)
    return respond(container().analytics_exports.get(caller, export_id))

"""`/v1/analytics`: summary, engagement analytics, custom reports and bulk exports."""
from __future__ import annotations

from chalice import Blueprint

from ..auth.caller import Caller
from ..models.analytics import (ClientSummary, EngagementAnalytics, Export, ExportParams,
                                ExportRequest, RangeParams, Report, ReportCreate, ReportListItem,
                                SalesProSummary, SummaryParams)
from ..models.common import ListParams, Page
from ..wiring import container
from .operations import operation

bp = Blueprint(__name__)
TAG = "Analytics"


@operation(bp, "GET", "/v1/analytics/summary", query=SummaryParams,
           returns=(ClientSummary, SalesProSummary), tag=TAG, summary="Get an account summary")
def analytics_summary(caller: Caller, query: SummaryParams) -> ClientSummary | SalesProSummary:
    """Lifetime figures, or those of the `from`–`to` range; the shape depends on the account
    type."""
    return container().analytics_summary.summary(caller, query)


@operation(bp, "GET", "/v1/analytics/engagement/{engagement_id}", query=RangeParams,
           returns=EngagementAnalytics, tag=TAG, summary="Get an engagement's analytics")
def analytics_engagement(caller: Caller, engagement_id: str,
                         query: RangeParams) -> EngagementAnalytics:
    return container().analytics_summary.engagement(caller, engagement_id, query)


@operation(bp, "POST", "/v1/analytics/reports", body=ReportCreate, returns=Report, status=201,
           errors=(404,), provides={"report_id": "/id"}, tag=TAG,
           summary="Create a custom report", answer_in_commit=True)
def analytics_create_report(caller: Caller, body: ReportCreate) -> Report:
    return container().analytics_reports.create(caller, body)


@operation(bp, "GET", "/v1/analytics/reports", query=ListParams, returns=Page[ReportListItem],
           provides={"report_id": "/data/0/id"}, tag=TAG, summary="List saved reports")
def analytics_list_reports(caller: Caller, query: ListParams) -> Page[ReportListItem]:
    return container().analytics_reports.list(caller, query)


@operation(bp, "GET", "/v1/analytics/reports/{report_id}", returns=Report, tag=TAG,
           summary="Get a report")
def analytics_get_report(caller: Caller, report_id: str) -> Report:
    return container().analytics_reports.get(caller, report_id)


EXPORT = "/v1/analytics/export/{id}"


@operation(bp, "GET", "/v1/analytics/export", query=ExportParams, returns=Export, status=202,
           location=EXPORT, provides={"export_id": "/id"}, tag=TAG,
           summary="Request a data export")
def analytics_request_export(caller: Caller, query: ExportParams) -> Export:
    """Starts the export; follow `Location` until `status` is `completed`."""
    return container().analytics_exports.request(caller, query)


@operation(bp, "POST", "/v1/analytics/export", body=ExportRequest, returns=Export, status=202,
           location=EXPORT, provides={"export_id": "/id"}, tag=TAG,
           summary="Request a data export (JSON body)", answer_in_commit=True)
def analytics_create_export(caller: Caller, body: ExportRequest) -> Export:
    """The same as the GET, with the options in a JSON body, as integrators create jobs."""
    return container().analytics_exports.request(caller, body)


@operation(bp, "GET", "/v1/analytics/export/{export_id}", returns=Export, tag=TAG,
           summary="Get a data export")
def analytics_get_export(caller: Caller, export_id: str) -> Export:
    """`download_url` is valid for 15 minutes once the export is completed."""
    return container().analytics_exports.get(caller, export_id)

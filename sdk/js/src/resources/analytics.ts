/** `client.analytics`: summaries, engagement analytics, custom reports and exports. */
import type { LeadNod } from "../client.js";
import { pathId, type RequestOptions } from "../core/http.js";
import type { PagePromise } from "../core/pagination.js";
import type {
  AnalyticsEngagementQuery, AnalyticsListReportsQuery, AnalyticsRequestExportQuery,
  AnalyticsSummaryQuery, ClientSummary, EngagementAnalytics, Export, ExportRequest, Report, ReportCreate,
  ReportListItem, ReportListItemPage, SalesProSummary,
} from "../generated/openapi.js";
import { APIResource } from "./resource.js";

/** `client.analytics.reports`. */
export class Reports extends APIResource {
  /** Run and save a custom report (`POST /v1/analytics/reports`). */
  create(body: ReportCreate, options?: RequestOptions): Promise<Report> {
    return this._post("/analytics/reports", body, options);
  }

  /** Saved reports, newest first, without their rows (`GET /v1/analytics/reports`). */
  list(query: AnalyticsListReportsQuery = {}, options?: RequestOptions): PagePromise<ReportListItem, ReportListItemPage> {
    return this._list("/analytics/reports", query, options);
  }

  /** A saved report with its rows (`GET /v1/analytics/reports/{id}`). */
  retrieve(reportId: string, options?: RequestOptions): Promise<Report> {
    return this._get(`/analytics/reports/${pathId(reportId, "reportId")}`, undefined, options);
  }
}

/** `client.analytics.export`: bulk CSV or JSON downloads, written in the background. */
export class Exports extends APIResource {
  /** Start an export (`GET /v1/analytics/export`, answered 202); follow it with `retrieve`. */
  request(query: AnalyticsRequestExportQuery = {}, options?: RequestOptions): Promise<Export> {
    return this._get("/analytics/export", query, options);
  }

  /** Start an export with the options in a JSON body (`POST /v1/analytics/export`, answered 202). */
  create(body: ExportRequest = {}, options?: RequestOptions): Promise<Export> {
    return this._post("/analytics/export", body, options);
  }

  /** An export's progress; `download_url` once completed (`GET /v1/analytics/export/{id}`). */
  retrieve(exportId: string, options?: RequestOptions): Promise<Export> {
    return this._get(`/analytics/export/${pathId(exportId, "exportId")}`, undefined, options);
  }
}

export class Analytics extends APIResource {
  readonly reports: Reports;
  readonly export: Exports;

  constructor(client: LeadNod) {
    super(client);
    this.reports = new Reports(client);
    this.export = new Exports(client);
  }

  /** The caller's figures over a period, lifetime by default (`GET /v1/analytics/summary`). */
  summary(query: AnalyticsSummaryQuery = {}, options?: RequestOptions): Promise<ClientSummary | SalesProSummary> {
    return this._get("/analytics/summary", query, options);
  }

  /** One engagement's series, funnel and payments (`GET /v1/analytics/engagement/{id}`). */
  engagement(engagementId: string, query: AnalyticsEngagementQuery = {}, options?: RequestOptions): Promise<EngagementAnalytics> {
    return this._get(`/analytics/engagement/${pathId(engagementId, "engagementId")}`, query, options);
  }
}

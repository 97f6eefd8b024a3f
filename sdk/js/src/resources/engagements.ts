/** `client.engagements`: create, list, read, the lifecycle (start, complete, terminate), activities, metrics. */
import type { LeadNod } from "../client.js";
import { pathId, type RequestOptions } from "../core/http.js";
import type { PagePromise } from "../core/pagination.js";
import type {
  Activity, ActivityCreate, ActivityPage, Engagement, EngagementCreate, EngagementPage,
  ListActivitiesQuery, ListEngagementsQuery, Metrics, TerminateBody,
} from "../generated/openapi.js";
import { APIResource } from "./resource.js";

const one = (id: string, tail = "") => `/engagements/${pathId(id, "engagementId")}${tail}`;

/** `client.engagements.activities`: the work logged on an engagement. */
export class Activities extends APIResource {
  /** Log an activity on an active engagement (either party; `POST /v1/engagements/{id}/activities`). */
  log(engagementId: string, body: ActivityCreate, options?: RequestOptions): Promise<Activity> {
    return this._post(one(engagementId, "/activities"), body, options);
  }

  /** The engagement's activities, newest first (`GET /v1/engagements/{id}/activities`). */
  list(engagementId: string, query: ListActivitiesQuery = {}, options?: RequestOptions): PagePromise<Activity, ActivityPage> {
    return this._list(one(engagementId, "/activities"), query, options);
  }
}

export class Engagements extends APIResource {
  readonly activities: Activities;

  constructor(client: LeadNod) {
    super(client);
    this.activities = new Activities(client);
  }

  /** Offer a sales professional an engagement on your opportunity (`POST /v1/engagements`); pending until started. */
  create(body: EngagementCreate, options?: RequestOptions): Promise<Engagement> {
    return this._post("/engagements", body, options);
  }

  /** The caller's engagements, newest first (`GET /v1/engagements`). */
  list(query: ListEngagementsQuery = {}, options?: RequestOptions): PagePromise<Engagement, EngagementPage> {
    return this._list("/engagements", query, options);
  }

  /** One engagement (`GET /v1/engagements/{id}`). */
  retrieve(engagementId: string, options?: RequestOptions): Promise<Engagement> {
    return this._get(one(engagementId), undefined, options);
  }

  /** Accept a pending engagement: pending to active (the sales professional; `POST .../start`). */
  start(engagementId: string, options?: RequestOptions): Promise<Engagement> {
    return this._post(one(engagementId, "/start"), {}, options);
  }

  /** Finish an active engagement (the client; `POST /v1/engagements/{id}/complete`). */
  complete(engagementId: string, options?: RequestOptions): Promise<Engagement> {
    return this._post(one(engagementId, "/complete"), {}, options);
  }

  /** End a pending or active engagement (either party; `POST /v1/engagements/{id}/terminate`). */
  terminate(engagementId: string, body: TerminateBody, options?: RequestOptions): Promise<Engagement> {
    return this._post(one(engagementId, "/terminate"), body, options);
  }

  /** Activity counts, deals, revenue, commission, escrow (`GET /v1/engagements/{id}/metrics`). */
  metrics(engagementId: string, options?: RequestOptions): Promise<Metrics> {
    return this._get(one(engagementId, "/metrics"), undefined, options);
  }
}

/** `client.events`: the caller's events of the last 30 days (what webhooks delivered). */
import { pathId, type RequestOptions } from "../core/http.js";
import type { PagePromise } from "../core/pagination.js";
import type { Event, EventPage, ListEventsQuery } from "../generated/openapi.js";
import { APIResource } from "./resource.js";

export class Events extends APIResource {
  /** Events, newest first (`GET /v1/events`), optionally of one `type`. */
  list(query: ListEventsQuery = {}, options?: RequestOptions): PagePromise<Event, EventPage> {
    return this._list("/events", query, options);
  }

  /** One event (`GET /v1/events/{id}`), exactly as its webhook request carried it. */
  retrieve(eventId: string, options?: RequestOptions): Promise<Event> {
    return this._get(`/events/${pathId(eventId, "eventId")}`, undefined, options);
  }
}

/**
 * `client.webhooks`: webhook endpoints, their deliveries, retries and test pings. To check the
 * requests LeadNod sends, see `webhooks.verify` / `webhooks.constructEvent` (the module).
 */
import { pathId, type RequestOptions } from "../core/http.js";
import type { PagePromise } from "../core/pagination.js";
import type {
  Delivery, DeliveryPage, ListDeliveriesQuery, ListWebhooksQuery, Webhook, WebhookCreate,
  WebhookPage, WebhookUpdate, WebhookWithSecret,
} from "../generated/openapi.js";
import { APIResource } from "./resource.js";

const one = (id: string, tail = "") => `/webhooks/${pathId(id, "webhookId")}${tail}`;

export class Webhooks extends APIResource {
  /** Register an endpoint (`POST /v1/webhooks`); the answer's `secret` is shown this once. */
  create(body: WebhookCreate, options?: RequestOptions): Promise<WebhookWithSecret> {
    return this._post("/webhooks", body, options);
  }

  /** The caller's endpoints (`GET /v1/webhooks`). */
  list(query: ListWebhooksQuery = {}, options?: RequestOptions): PagePromise<Webhook, WebhookPage> {
    return this._list("/webhooks", query, options);
  }

  /** One endpoint (`GET /v1/webhooks/{id}`). */
  retrieve(webhookId: string, options?: RequestOptions): Promise<Webhook> {
    return this._get(one(webhookId), undefined, options);
  }

  /** Change an endpoint (`PATCH /v1/webhooks/{id}`); `rotate_secret: true` answers the new secret. */
  update(webhookId: string, body: WebhookUpdate, options?: RequestOptions): Promise<Webhook | WebhookWithSecret> {
    return this._patch(one(webhookId), body, options);
  }

  /** Remove an endpoint (`DELETE /v1/webhooks/{id}`). */
  delete(webhookId: string, options?: RequestOptions): Promise<void> {
    return this._delete(one(webhookId), options);
  }

  /** The endpoint's deliveries, newest first (`GET /v1/webhooks/{id}/deliveries`). */
  deliveries(webhookId: string, query: ListDeliveriesQuery = {}, options?: RequestOptions): PagePromise<Delivery, DeliveryPage> {
    return this._list(one(webhookId, "/deliveries"), query, options);
  }

  /** Deliver an event again now, once (`POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry`). */
  retryDelivery(webhookId: string, deliveryId: string, options?: RequestOptions): Promise<Delivery> {
    return this._post(one(webhookId, `/deliveries/${pathId(deliveryId, "deliveryId")}/retry`), undefined, options);
  }

  /** Send a `ping` event to this endpoint (`POST /v1/webhooks/{id}/test`). */
  test(webhookId: string, options?: RequestOptions): Promise<Delivery> {
    return this._post(one(webhookId, "/test"), undefined, options);
  }
}

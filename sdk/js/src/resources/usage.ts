/** `client.usage`: the account's requests against its plan's limits. */
import type { RequestOptions } from "../core/http.js";
import type { Usage as UsageFigures } from "../generated/openapi.js";
import { APIResource } from "./resource.js";

export class Usage extends APIResource {
  /**
   * Requests used and remaining per minute and per day, the figures of the `X-RateLimit-*`
   * headers (`GET /v1/usage`); a team member sees the organization's.
   */
  retrieve(options?: RequestOptions): Promise<UsageFigures> {
    return this._get("/usage", undefined, options);
  }
}

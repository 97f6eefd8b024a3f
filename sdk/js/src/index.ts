/**
 * The official JavaScript/TypeScript SDK for the LeadNod API.
 *
 *     import { LeadNod } from "@leadnod/sdk";
 *     const client = new LeadNod();                    // LEADNOD_CLIENT_ID / LEADNOD_CLIENT_SECRET
 *     for await (const opportunity of client.opportunities.list({ industry: "saas" })) {
 *       console.log(opportunity.title);
 *     }
 */
import { LeadNod } from "./client.js";
import * as webhooks from "./webhooks.js";

export { LeadNod, webhooks };
export default LeadNod;
export { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, type ClientOptions } from "./client.js";
export type { AccessTokenCallback, TokenGrant } from "./core/auth.js";
export {
  APIConnectionError, APIError, APITimeoutError, APIUserAbortError, AuthenticationError,
  ConflictError, InvalidRequestError, LeadNodError, NotFoundError, PermissionDeniedError,
  RateLimitError, SignatureVerificationError,
} from "./core/errors.js";
export { ENVIRONMENTS, type Environment, type RequestOptions } from "./core/http.js";
export { Page, PagePromise, type PageBody } from "./core/pagination.js";
export { VERSION } from "./version.js";
export type * from "./generated/openapi.js";

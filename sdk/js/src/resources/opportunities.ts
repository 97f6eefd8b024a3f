/** `client.opportunities`: create (one or in bulk), browse, read, change, delete; interests and matches. */
import { pathId, type RequestOptions } from "../core/http.js";
import type { PagePromise } from "../core/pagination.js";
import type {
  BulkCreate, BulkResult, Interest, InterestCreate, InterestPage, ListInterestsQuery,
  ListMatchesQuery, ListOpportunitiesQuery, Match, MatchPage, Opportunity, OpportunityCreate,
  OpportunityPage, OpportunityUpdate,
} from "../generated/openapi.js";
import { APIResource } from "./resource.js";

const one = (id: string, tail = "") => `/opportunities/${pathId(id, "opportunityId")}${tail}`;

export class Opportunities extends APIResource {
  /** Post an opportunity (clients; `POST /v1/opportunities`). */
  create(body: OpportunityCreate, options?: RequestOptions): Promise<Opportunity> {
    return this._post("/opportunities", body, options);
  }

  /** Opportunities, newest first (`GET /v1/opportunities`): a client's own, or the open ones. */
  list(query: ListOpportunitiesQuery = {}, options?: RequestOptions): PagePromise<Opportunity, OpportunityPage> {
    return this._list("/opportunities", query, options);
  }

  /** One opportunity (`GET /v1/opportunities/{id}`). */
  retrieve(opportunityId: string, options?: RequestOptions): Promise<Opportunity> {
    return this._get(one(opportunityId), undefined, options);
  }

  /** Change an opportunity (`PATCH /v1/opportunities/{id}`): the fields given; null clears one. */
  update(opportunityId: string, body: OpportunityUpdate, options?: RequestOptions): Promise<Opportunity> {
    return this._patch(one(opportunityId), body, options);
  }

  /** Delete an opportunity (`DELETE /v1/opportunities/{id}`). */
  delete(opportunityId: string, options?: RequestOptions): Promise<void> {
    return this._delete(one(opportunityId), options);
  }

  /**
   * Post up to 100 opportunities at once (`POST /v1/opportunities/bulk`): the answer's
   * `data[i]` is the created opportunity or item i's error. None created: InvalidRequestError.
   */
  bulkCreate(body: BulkCreate, options?: RequestOptions): Promise<BulkResult> {
    return this._post("/opportunities/bulk", body, options);
  }

  /**
   * The best-matching sales professionals, best first (`GET /v1/opportunities/{id}/matches`;
   * its client only). `page.body.matched_at` is null until matching has run.
   */
  matches(opportunityId: string, query: ListMatchesQuery = {}, options?: RequestOptions): PagePromise<Match, MatchPage> {
    return this._list(one(opportunityId, "/matches"), query, options);
  }

  /** Tell the client you are interested (sales professionals; `POST /v1/opportunities/{id}/interest`). */
  expressInterest(opportunityId: string, body: InterestCreate = {}, options?: RequestOptions): Promise<Interest> {
    return this._post(one(opportunityId, "/interest"), body, options);
  }

  /** The interests in an opportunity (its client; `GET /v1/opportunities/{id}/interests`). */
  interests(opportunityId: string, query: ListInterestsQuery = {}, options?: RequestOptions): PagePromise<Interest, InterestPage> {
    return this._list(one(opportunityId, "/interests"), query, options);
  }
}

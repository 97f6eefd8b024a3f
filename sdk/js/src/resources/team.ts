/**
 * `client.team`: the members of a client's organization, their roles, and its ownership.
 * Client accounts only; every member may list the team, only the owner and admins change it.
 */
import { pathId, type RequestOptions } from "../core/http.js";
import type { PagePromise } from "../core/pagination.js";
import type {
  AddedMember, NewMember, RoleChange, RotatedCredentials, RotateSecret, User, UserPage,
} from "../generated/openapi.js";
import { APIResource } from "./resource.js";

const TEAM = "/users/me/team";
const member = (userId: string, tail = "") => `${TEAM}/${pathId(userId, "userId")}${tail}`;

export class Team extends APIResource {
  /** The organization's members, oldest first, each with its `role` (`GET /v1/users/me/team`). */
  list(options?: RequestOptions): PagePromise<User, UserPage> {
    return this._list(TEAM, undefined, options);
  }

  /**
   * Add a member with `role` "admin" or "member" (`POST /v1/users/me/team`; owner or admin).
   * The answer's `credentials` are the member's own client id and secret, shown this once.
   */
  add(body: NewMember, options?: RequestOptions): Promise<AddedMember> {
    return this._post(TEAM, body, options);
  }

  /** Change a member's role (`PATCH /v1/users/me/team/{user_id}`; owner or admin). */
  update(userId: string, body: RoleChange, options?: RequestOptions): Promise<User> {
    return this._patch(member(userId), body, options);
  }

  /** Remove a member (`DELETE /v1/users/me/team/{user_id}`): its credentials stop working. */
  remove(userId: string, options?: RequestOptions): Promise<void> {
    return this._delete(member(userId), options);
  }

  /**
   * Make a member the owner; the caller, the owner until now, becomes an admin
   * (`POST /v1/users/me/team/{user_id}/transfer`; the owner only). Answers the new owner.
   */
  transferOwnership(userId: string, options?: RequestOptions): Promise<User> {
    return this._post(member(userId, "/transfer"), {}, options);
  }

  /**
   * A new client secret for a member's credentials, shown this once
   * (`POST /v1/users/me/team/{user_id}/credentials/rotate`; owner or admin).
   */
  rotateCredentials(userId: string, body: RotateSecret = {}, options?: RequestOptions): Promise<RotatedCredentials> {
    return this._post(member(userId, "/credentials/rotate"), body, options);
  }
}

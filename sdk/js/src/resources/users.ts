/** `client.users`: the caller's account, public profiles, sales-professional search. */
import type { RequestOptions } from "../core/http.js";
import type { PagePromise } from "../core/pagination.js";
import type {
  PublicUser, PublicUserPage, RotatedCredentials, RotateSecret, SearchUsersQuery, User, UserUpdate,
} from "../generated/openapi.js";
import { APIResource } from "./resource.js";
import { pathId } from "../core/http.js";

export type UserSearch = Omit<SearchUsersQuery, "skills"> & {
  /** Matches any of the skills: a list, or a comma-separated string. */
  skills?: string | string[];
};

export class Users extends APIResource {
  /** The account the credentials belong to (`GET /v1/users/me`). */
  me(options?: RequestOptions): Promise<User> {
    return this._get("/users/me", undefined, options);
  }

  /** Change the caller's account (`PATCH /v1/users/me`); only the fields given change. */
  updateMe(body: UserUpdate, options?: RequestOptions): Promise<User> {
    return this._patch("/users/me", body, options);
  }

  /** Anyone's public profile (`GET /v1/users/{id}`); no email or plan. */
  retrieve(userId: string, options?: RequestOptions): Promise<PublicUser> {
    return this._get(`/users/${pathId(userId, "userId")}`, undefined, options);
  }

  /** Search sales professionals (`GET /v1/users/search`); iterating pages through all. */
  search(query: UserSearch = {}, options?: RequestOptions): PagePromise<PublicUser, PublicUserPage> {
    return this._list("/users/search", query, options);
  }

  /**
   * A new client secret for the caller's credentials (`POST /v1/users/me/credentials/rotate`),
   * shown this once; the previous one keeps working for `grace_seconds`. Make a new client
   * with it: this one still holds the previous secret.
   */
  rotateCredentials(body: RotateSecret = {}, options?: RequestOptions): Promise<RotatedCredentials> {
    return this._post("/users/me/credentials/rotate", body, options);
  }
}

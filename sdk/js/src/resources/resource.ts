/** What every resource does with its client: one call, one answer back. */
import type { LeadNod } from "../client.js";
import type { Query, RequestOptions } from "../core/http.js";
import { PagePromise, type PageBody } from "../core/pagination.js";

export abstract class APIResource {
  constructor(protected readonly client: LeadNod) {}

  protected _get<T>(path: string, query?: Query, options?: RequestOptions): Promise<T> {
    return this.client.request<T>("GET", path, { query, options });
  }

  protected _post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.client.request<T>("POST", path, { body, options });
  }

  protected _patch<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.client.request<T>("PATCH", path, { body, options });
  }

  protected async _delete(path: string, options?: RequestOptions): Promise<void> {
    await this.client.request<void>("DELETE", path, { options });
  }

  /** A list: awaited, its first page; iterated, every item of every page. */
  protected _list<T, B extends PageBody<T> = PageBody<T>>(path: string, query?: Query,
    options?: RequestOptions): PagePromise<T, B> {
    return new PagePromise<T, B>((cursor) => this.client.request<B>("GET", path, {
      query: cursor ? { ...query, cursor } : query, options,
    }));
  }
}

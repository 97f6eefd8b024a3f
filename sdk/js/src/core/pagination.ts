/**
 * Lists. Every list answers `{"data": [...], "has_more": bool, "next_cursor": str|null}` and
 * takes `?cursor=<next_cursor>` for the next page.
 *
 *     for await (const opportunity of client.opportunities.list()) { ... }  // every page
 *     const page = await client.opportunities.list({ limit: 10 });          // the first page
 *     page.data; page.hasMore; page.nextCursor; await page.nextPage();
 */

export interface PageBody<T> {
  data: T[];
  has_more: boolean;
  next_cursor?: string | null;
}

/** Fetches the page after `cursor` (undefined: the first). */
export type PageFetcher<B> = (cursor: string | undefined) => Promise<B>;

export class Page<T, B extends PageBody<T> = PageBody<T>> implements AsyncIterable<T> {
  readonly data: T[];
  readonly hasMore: boolean;
  readonly nextCursor: string | null;
  /** The whole answer, with the fields some lists add (the matches' `matched_at`). */
  readonly body: B;

  constructor(private readonly fetchPage: PageFetcher<B>, body: B) {
    this.body = body;
    this.data = body.data ?? [];
    this.hasMore = Boolean(body.has_more);
    this.nextCursor = body.next_cursor ?? null;
  }

  hasNextPage(): boolean {
    return this.hasMore && Boolean(this.nextCursor);
  }

  /** The following page, or null after the last. */
  async nextPage(): Promise<Page<T, B> | null> {
    if (!this.hasNextPage()) return null;
    return new Page(this.fetchPage, await this.fetchPage(this.nextCursor!));
  }

  /** This page and every page after it, each fetched when reached. */
  async *iterPages(): AsyncGenerator<Page<T, B>> {
    let page: Page<T, B> | null = this;
    while (page) {
      yield page;
      page = await page.nextPage();
    }
  }

  /** Every item of this page and of the pages after it. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const page of this.iterPages()) yield* page.data;
  }
}

/**
 * What a list method returns: await it for the first page, or iterate it with `for await` for
 * every item of every page. Nothing is fetched until one or the other.
 */
export class PagePromise<T, B extends PageBody<T> = PageBody<T>>
implements PromiseLike<Page<T, B>>, AsyncIterable<T> {
  private first: Promise<Page<T, B>> | undefined;

  constructor(private readonly fetchPage: PageFetcher<B>) {}

  private load(): Promise<Page<T, B>> {
    this.first ??= this.fetchPage(undefined).then((body) => new Page(this.fetchPage, body));
    return this.first;
  }

  then<R1 = Page<T, B>, R2 = never>(
    onFulfilled?: ((page: Page<T, B>) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.load().then(onFulfilled, onRejected);
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<Page<T, B> | R> {
    return this.load().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<Page<T, B>> {
    return this.load().finally(onFinally);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    yield* await this.load();
  }

  get [Symbol.toStringTag](): string {
    return "PagePromise";
  }
}

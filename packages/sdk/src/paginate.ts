import type { ImsopCallOptions } from './client.js';

/**
 * Walks every page of an AIP-158 List method and yields its items, so callers write
 * `for await (const product of paginate(...))` instead of handling page tokens.
 *
 * @param list the List method, e.g. `imsop.users.listUsers`
 * @param request the first request (filters, page_size); `page_token` is managed here
 * @param items picks the repeated field of a response, e.g. `(res) => res.products`
 * @param options per-call options for every page's call (e.g. `{ deadline: 5_000 }` gives each page 5 s)
 */
export async function* paginate<Req extends { pageToken?: string }, Res extends { nextPageToken: string }, Item>(
  list: (request: Req, options?: ImsopCallOptions) => Promise<Res>,
  request: NoInfer<Req>,
  items: (response: Res) => Item[],
  options?: ImsopCallOptions,
): AsyncGenerator<Item, void, undefined> {
  let pageToken = request.pageToken ?? '';
  do {
    const response = await list({ ...request, pageToken }, options);
    yield* items(response);
    pageToken = response.nextPageToken;
  } while (pageToken);
}

import type { ListChangesRequest, ListChangesResponse } from '../../../gen/ts/imsop/events/v1/change_feed_service.js';
import type { Database } from '../db/database.js';
import { invalidArgument } from '../errors.js';
import type { AuthenticatedCallContext } from '../grpc/call-context.js';
import { Violations } from '../validation.js';
import { assertCursorRetained, decodeChangeCursor, encodeChangeCursor } from './change-cursor.js';
import { resourceFields, toChangeEvent } from './change-event-message.js';
import { lastPosition, readChanges } from './read-changes.js';
import { subscriberFilter } from './subscriber-filter.js';

export interface ListChangesDeps {
  db: Database;
  retentionDays: number;
}

/**
 * ChangeFeedService.ListChanges: the events after a cursor, oldest first. The end of the feed
 * is read before the page, so when the page is not full, `next_cursor` may move on to that end
 * (past events the filter skipped) without passing any event the page did not see.
 */
export async function listChanges(
  request: ListChangesRequest,
  ctx: AuthenticatedCallContext,
  deps: ListChangesDeps,
): Promise<ListChangesResponse> {
  const v = new Violations();
  if (request.pageSize < 0) v.add('page_size', 'must not be negative');
  v.throwIfAny();
  const fields = resourceFields(request.fields);
  if (fields.invalid.length > 0) throw invalidArgument([{ field: 'fields', description: 'has a malformed path' }]);
  const filter = subscriberFilter(request.filter, ctx.principal);
  let after = 0;
  if (request.afterCursor) {
    const cursor = decodeChangeCursor(request.afterCursor, 'after_cursor');
    assertCursorRetained(cursor, deps.retentionDays);
    after = cursor.position;
  }
  const limit = Math.min(request.pageSize || 100, 1000);
  const end = await lastPosition(deps.db, ctx.tenant);
  const page = await readChanges(deps.db, ctx.tenant, after, filter, limit);
  const events = page.map((c) => toChangeEvent(c, fields.paths));
  let nextCursor = events.at(-1)?.cursor ?? request.afterCursor;
  if (page.length < limit && end > (page.at(-1)?.position ?? after)) {
    nextCursor = encodeChangeCursor({ position: end, occurredAtMs: Date.now() });
  }
  if (!nextCursor) nextCursor = encodeChangeCursor({ position: after, occurredAtMs: Date.now() });
  return { events, nextCursor };
}

import type { ServerWritableStream } from '@grpc/grpc-js';
import type { WatchChangesRequest, WatchChangesResponse } from '../../../gen/ts/imsop/events/v1/change_feed_service.js';
import type { Database, TenantScope } from '../db/database.js';
import { AppError, invalidArgument } from '../errors.js';
import type { AuthenticatedCallContext } from '../grpc/call-context.js';
import { EncodedResponse } from '../grpc/encoded-response.js';
import { ClientNotReading, writeWithPatience } from '../grpc/stream-writer.js';
import { assertCursorRetained, decodeChangeCursor, encodeChangeCursor } from './change-cursor.js';
import { encodeChangeEvents, resourceFields } from './change-event-message.js';
import { feedServerShuttingDown, feedWatcherTooSlow } from './feed-stream-endings.js';
import type { FeedTails, OrganizationTail } from './feed-tails.js';
import { lastPosition, matchesFilter, readChanges, type ChangeFilter, type StoredChange } from './read-changes.js';
import { subscriberFilter } from './subscriber-filter.js';
import { linkedSignal } from '../linked-signal.js';

/** Events read (and written) per round; a watcher holds at most one page. */
const PAGE = 500;
/** Events per response message. */
const EVENTS_PER_MESSAGE = 100;
/** How long a watcher waits for its tail before it reads the feed itself. */
const IDLE_POLL_MS = 1_000;

export interface WatchChangesDeps {
  db: Database;
  /** This instance's shared reads of each organization's feed, which live watchers take from. */
  tails: FeedTails;
  /** Aborted when the server starts shutting down. */
  shuttingDown: AbortSignal;
  retentionDays: number;
  /** How long a write may wait for a client that reads nothing before the watch ends WATCHER_TOO_SLOW. */
  patienceMs: number;
}

/**
 * ChangeFeedService.WatchChanges. The feed is in the database in position order, and positions
 * only ever become visible in increasing order, a batch at a time (the sequencer,
 * docs/decisions/0004): so the watch is one loop, "take the events after the last position
 * seen, write them, wait", whether it is replaying or live. No gap (everything after `last`
 * is taken, and nothing positioned later can sort before it) and no duplicate (`last` only
 * grows), at the switch from replay to live or anywhere else.
 *
 * A live watcher takes the events from its organization's tail on this instance (feed-tails.ts:
 * one read per wake-up for all of them, the new events handed to all in the same turn), filters
 * them itself and writes each event's shared encoding; a watcher behind the tail (replaying, or
 * slower than the events kept) reads the feed itself, a page at a time, until it reaches the
 * tail. The wait ends when the tail has read further (on the sequencer's wake-up for this
 * organization, from any instance, through the bus), or after IDLE_POLL_MS, when the watcher
 * reads the feed itself (the wake-up is at-most-once; so is a tail that cannot read).
 *
 * Memory per watcher is one page, whatever the client's speed: a slow client makes the watch
 * read later, not buffer more. A client that reads nothing for `patienceMs` while events wait is
 * ended (ABORTED WATCHER_TOO_SLOW), at shutdown UNAVAILABLE SERVER_SHUTTING_DOWN; both carry the
 * cursor of the last event written (or where the watch started), to resume after. Before each page the caller's principal is
 * checked again (cheap, cached), so a permission taken away stops its events.
 */
export async function watchChanges(
  request: WatchChangesRequest,
  stream: ServerWritableStream<WatchChangesRequest, WatchChangesResponse>,
  ctx: AuthenticatedCallContext,
  deps: WatchChangesDeps,
): Promise<void> {
  const fields = resourceFields(request.fields);
  if (fields.invalid.length > 0) throw invalidArgument([{ field: 'fields', description: 'has a malformed path' }]);
  let filterOf = ctx.principal;
  let filter = subscriberFilter(request.filter, filterOf);
  const scope = ctx.tenant;

  // Joined before the first read: what the tail reads meanwhile wakes this watcher.
  const { tail, leave } = deps.tails.join(scope.organizationId);
  let advanced = false;
  let wake: (() => void) | undefined;
  const stopListening = tail.onAdvance(() => {
    advanced = true;
    wake?.();
  });
  const linked = linkedSignal([ctx.cancellation.signal, deps.shuttingDown]);
  const stop = linked.signal;
  let lastCursor: string | undefined;
  try {
    let last: number;
    if (request.afterCursor) {
      const cursor = decodeChangeCursor(request.afterCursor, 'after_cursor');
      assertCursorRetained(cursor, deps.retentionDays);
      last = cursor.position;
      lastCursor = request.afterCursor;
    } else {
      last = await lastPosition(deps.db, scope);
      // Where "now" is, so a watch ended before its first event still says where to resume.
      lastCursor = encodeChangeCursor({ position: last, occurredAtMs: Date.now() });
    }

    // An empty first message: the watch is established, everything committed from now on arrives.
    await writeWithPatience(stream, { events: [] }, stop, deps.patienceMs);
    let readItself = false;
    while (!stop.aborted) {
      advanced = false;
      const principal = await ctx.confirmPrincipal();
      // The same principal (from the cache) grants the same: its filter stands.
      if (principal !== filterOf) filter = subscriberFilter(request.filter, (filterOf = principal));
      const { page, seenUpTo, full } = await nextPage(deps.db, scope, tail, last, filter, readItself);
      for (let i = 0; i < page.length && !stop.aborted; i += EVENTS_PER_MESSAGE) {
        const events = page.slice(i, i + EVENTS_PER_MESSAGE);
        const message = new EncodedResponse<WatchChangesResponse>(encodeChangeEvents(events, fields.paths));
        try {
          const written = writeWithPatience(stream, message, stop, deps.patienceMs);
          // Handed to the stream: the client gets these before any status the watch ends with.
          const newest = events[events.length - 1]!;
          last = newest.position;
          lastCursor = encodeChangeCursor({ position: newest.position, occurredAtMs: newest.occurredAt.getTime() });
          await written;
        } catch (error) {
          if (error instanceof ClientNotReading) throw feedWatcherTooSlow(lastCursor);
          throw error;
        }
      }
      if (stop.aborted) continue;
      // Everything up to seenUpTo that the filter lets through was just written.
      last = Math.max(last, seenUpTo);
      // The next page only once the client took this one (grpc-js buffers 16 messages before
      // write() says to wait, far too many of these): a slow client slows the watch, not memory.
      if (page.length > 0) await clientCaughtUp(stream, stop, deps.patienceMs, () => feedWatcherTooSlow(lastCursor));
      readItself = false;
      if (full || stop.aborted) continue;
      if (!advanced) {
        readItself = !(await new Promise<boolean>((resolve) => {
          const done = (woken: boolean) => {
            clearTimeout(timer);
            stop.removeEventListener('abort', aborted);
            wake = undefined;
            resolve(woken);
          };
          const aborted = () => done(true);
          const timer = setTimeout(() => done(false), IDLE_POLL_MS);
          stop.addEventListener('abort', aborted, { once: true });
          wake = () => done(true);
        }));
      }
    }
  } catch (error) {
    // A write or read cut short by the stop ends as the stop says; anything else is the call's error.
    if (error instanceof AppError || !stop.aborted) throw error;
  } finally {
    linked.release();
    stopListening();
    leave();
  }
  if (ctx.cancellation.aborted) return;
  throw feedServerShuttingDown(lastCursor);
}

/**
 * The watcher's next events after `last` that its filter lets through (at most PAGE), and the
 * position up to which it has then seen the feed: from the tail when it reaches back to `last`
 * (and `readItself` is not asked), else from the database.
 */
async function nextPage(
  db: Database,
  scope: TenantScope,
  tail: OrganizationTail,
  last: number,
  filter: ChangeFilter,
  readItself: boolean,
): Promise<{ page: StoredChange[]; seenUpTo: number; full: boolean }> {
  const kept = readItself ? undefined : tail.after(last);
  if (kept) {
    const matching = kept.events.filter((change) => matchesFilter(filter, change));
    if (matching.length > PAGE) {
      const page = matching.slice(0, PAGE);
      return { page, seenUpTo: page.at(-1)!.position, full: true };
    }
    return { page: matching, seenUpTo: kept.upTo, full: false };
  }
  // What the tail has read was committed before this read starts, so this read sees it all.
  const tailSeen = tail.readUpTo ?? last;
  const page = await readChanges(db, scope, last, filter, PAGE);
  if (page.length === PAGE) return { page, seenUpTo: page.at(-1)!.position, full: true };
  return { page, seenUpTo: Math.max(page.at(-1)?.position ?? last, tailSeen), full: false };
}

/**
 * Waits until at most one written message is still queued in the stream (the transport's flow
 * control holds the rest back while the client does not read), as long as the client keeps
 * taking messages; when it takes none for `patienceMs`, fails with `tooSlow()`.
 */
async function clientCaughtUp(
  stream: { readonly writableLength: number },
  stop: AbortSignal,
  patienceMs: number,
  tooSlow: () => AppError,
): Promise<void> {
  let queued = stream.writableLength;
  let progressAt = Date.now();
  while (stream.writableLength > 1 && !stop.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (stream.writableLength < queued) {
      queued = stream.writableLength;
      progressAt = Date.now();
    } else if (Date.now() - progressAt > patienceMs) {
      throw tooSlow();
    }
  }
}

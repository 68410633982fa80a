import type { ServerWritableStream } from '@grpc/grpc-js';
import type { WatchChangesRequest, WatchChangesResponse } from '../../../gen/ts/imsop/events/v1/change_feed_service.js';
import type { Database } from '../db/database.js';
import { AppError, invalidArgument } from '../errors.js';
import type { AuthenticatedCallContext } from '../grpc/call-context.js';
import { ClientNotReading, writeWithPatience } from '../grpc/stream-writer.js';
import { assertCursorRetained, decodeChangeCursor, encodeChangeCursor } from './change-cursor.js';
import { resourceFields, toChangeEvent } from './change-event-message.js';
import { feedServerShuttingDown, feedWatcherTooSlow } from './feed-stream-endings.js';
import { lastPosition, onPositioned, readChanges } from './read-changes.js';
import { subscriberFilter } from './subscriber-filter.js';

/** Events read (and written) per round; a watcher holds at most one page. */
const PAGE = 500;
/** Events per response message. */
const EVENTS_PER_MESSAGE = 100;
/** How often an idle watcher reads anyway: the bus wake-up is at-most-once. */
const IDLE_POLL_MS = 1_000;

export interface WatchChangesDeps {
  db: Database;
  /** Aborted when the server starts shutting down. */
  shuttingDown: AbortSignal;
  retentionDays: number;
  /** How long a write may wait for a client that reads nothing before the watch ends WATCHER_TOO_SLOW. */
  patienceMs: number;
}

/**
 * ChangeFeedService.WatchChanges. The feed is in the database in position order, and positions
 * only ever become visible in increasing order, a batch at a time (the sequencer,
 * docs/decisions/0004): so the watch is one loop, "read the events after the last position
 * written, write them, wait", whether it is replaying or live. No gap (everything after `last`
 * is read, and nothing positioned later can sort before it) and no duplicate (`last` only
 * grows), at the switch from replay to live or anywhere else. The wait ends at the sequencer's
 * wake-up for this organization (from any instance, through the bus), or after IDLE_POLL_MS.
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
  let filter = subscriberFilter(request.filter, ctx.principal);
  const scope = ctx.tenant;
  const organizationId = scope.organizationId;

  let woken = false;
  let wake: (() => void) | undefined;
  // Listening before the first read: a wake-up for what commits meanwhile is not missed.
  const stopListening = onPositioned((_upTo, organizations) => {
    if (!organizations.includes(organizationId)) return;
    woken = true;
    wake?.();
  });
  const stop = AbortSignal.any([ctx.signal, deps.shuttingDown]);
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
    while (!stop.aborted) {
      woken = false;
      filter = subscriberFilter(request.filter, await ctx.confirmPrincipal());
      const page = await readChanges(deps.db, scope, last, filter, PAGE);
      for (let i = 0; i < page.length && !stop.aborted; i += EVENTS_PER_MESSAGE) {
        const events = page.slice(i, i + EVENTS_PER_MESSAGE).map((c) => toChangeEvent(c, fields.paths));
        try {
          const written = writeWithPatience(stream, { events }, stop, deps.patienceMs);
          // Handed to the stream: the client gets these before any status the watch ends with.
          last = page[Math.min(i + EVENTS_PER_MESSAGE, page.length) - 1]!.position;
          lastCursor = events[events.length - 1]!.cursor;
          await written;
        } catch (error) {
          if (error instanceof ClientNotReading) throw feedWatcherTooSlow(lastCursor);
          throw error;
        }
      }
      // The next page only once the client took this one (grpc-js buffers 16 messages before
      // write() says to wait, far too many of these): a slow client slows the watch, not memory.
      if (page.length > 0) await clientCaughtUp(stream, stop, deps.patienceMs, () => feedWatcherTooSlow(lastCursor));
      if (page.length === PAGE || stop.aborted) continue;
      if (!woken) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            stop.removeEventListener('abort', done);
            wake = undefined;
            resolve();
          };
          const timer = setTimeout(done, IDLE_POLL_MS);
          stop.addEventListener('abort', done, { once: true });
          wake = done;
        });
      }
    }
  } catch (error) {
    // A write or read cut short by the stop ends as the stop says; anything else is the call's error.
    if (error instanceof AppError || !stop.aborted) throw error;
  } finally {
    stopListening();
  }
  if (ctx.signal.aborted) return;
  throw feedServerShuttingDown(lastCursor);
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

import { expect } from 'vitest';
import { events, Metadata, type ImsopClient } from './sdk.js';

/** One change event as a subscriber sees it (the fields tests compare). */
export interface SeenChange {
  eventType: string;
  resourceType: string;
  resourceId: string;
  /** created, updated, deleted or event. */
  changeKind: string;
  changedFields: string[];
  etag: string;
  /** user, api_key or system. */
  actorKind: string;
  actorId: string;
  requestId: string;
  resource: Record<string, unknown>;
}

const kindName = (value: number, names: Record<number, string>, prefix: string) =>
  (names[value] ?? String(value)).replace(prefix, '').toLowerCase();

function seen(event: events.ChangeEvent): SeenChange {
  return {
    eventType: event.eventType,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    changeKind: kindName(event.changeKind, events.ChangeKind, 'CHANGE_KIND_'),
    changedFields: event.changedFields,
    etag: event.etag,
    actorKind: kindName(event.actor?.kind ?? 0, events.ActorKind, 'ACTOR_KIND_'),
    actorId: event.actor?.id ?? '',
    requestId: event.requestId,
    resource: event.resource ?? {},
  };
}

/**
 * An organization's change feed as its subscriber reads it (ListChanges through the SDK, from
 * the cursor the previous `take` stopped at): each `take(n)` waits until at least n new events
 * are there and returns all the new ones, so a test asserting on the whole list also sees an
 * event too many.
 */
export class ChangeLog {
  #cursor = '';

  private constructor(
    private readonly imsop: ImsopClient,
    private readonly resourceTypes: readonly string[],
  ) {}

  /** The events visible to `imsop`'s caller from now on (of the resource types named; all when none are). */
  static async from(imsop: ImsopClient, resourceTypes: readonly string[] = []): Promise<ChangeLog> {
    const log = new ChangeLog(imsop, resourceTypes);
    // The feed positions committed events a moment after their commit (the sequencer): events of
    // the test's own setup may still be on their way. Read until the feed has been quiet longer
    // than the sequencer's poll, so "from now" starts after every change made before it.
    while ((await log.take(0)).length > 0 || !(await log.#quietFor(400))) {
      /* keep reading */
    }
    return log;
  }

  /** True when nothing new arrived within `ms`. */
  async #quietFor(ms: number): Promise<boolean> {
    await new Promise((r) => setTimeout(r, ms));
    return (await this.take(0)).length === 0;
  }

  /** All the events visible to `imsop`'s caller, from the oldest kept. */
  static fromStart(imsop: ImsopClient): ChangeLog {
    return new ChangeLog(imsop, []);
  }

  async take(atLeast: number, timeoutMs = 10_000): Promise<SeenChange[]> {
    const deadline = Date.now() + timeoutMs;
    const taken: SeenChange[] = [];
    for (;;) {
      taken.push(...(await this.#readToEnd()));
      if (taken.length >= atLeast || Date.now() > deadline) return taken;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Expects no new event (after a wait long enough for one still being sequenced to show). */
  async expectNone(): Promise<void> {
    await new Promise((r) => setTimeout(r, 300));
    expect(await this.take(0)).toEqual([]);
  }

  async #readToEnd(): Promise<SeenChange[]> {
    const read: SeenChange[] = [];
    for (;;) {
      const page = await this.imsop.changes.listChanges({
        afterCursor: this.#cursor,
        filter: { resourceTypes: [...this.resourceTypes], eventTypes: [] },
        pageSize: 500,
      });
      read.push(...page.events.map(seen));
      const moved = page.nextCursor !== this.#cursor;
      this.#cursor = page.nextCursor;
      if (page.events.length === 0 || !moved) return read;
    }
  }
}

/** Whether any key or string value anywhere in `value` contains `needle` (secrets must not appear). */
export function mentions(value: unknown, needle: string): boolean {
  return JSON.stringify(value).toLowerCase().includes(needle.toLowerCase());
}

/** Call options sending `correlationId` as the call's x-request-id (the `request_id` its events record). */
export const correlated = (correlationId: string) => ({ metadata: Metadata({ 'x-request-id': correlationId }) });

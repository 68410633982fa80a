import { expect } from 'vitest';
import { adminQuery } from './inventory.js';
import { Metadata } from './sdk.js';
import type { TestServer } from './server.js';

/** One change event as a subscriber sees it (the fields tests compare). */
export interface SeenChange {
  eventType: string;
  resourceType: string;
  resourceId: string;
  changeKind: string;
  changedFields: string[];
  etag: string;
  actorKind: string;
  actorId: string;
  requestId: string;
  resource: Record<string, unknown>;
}

/**
 * An organization's change feed read from where the previous `take` stopped: each `take(n)`
 * waits until at least n new events are there and returns all the new ones, so a test asserting
 * on the whole list also sees an event too many.
 */
export class ChangeLog {
  #after = 0n;

  private constructor(
    private readonly ts: TestServer,
    private readonly organizationId: string,
    private readonly resourceTypes: readonly string[],
  ) {}

  /** A log of the organization's events from now on (of the resource types named; all when none are). */
  static async from(ts: TestServer, organizationId: string, resourceTypes: readonly string[] = []): Promise<ChangeLog> {
    const log = new ChangeLog(ts, organizationId, resourceTypes);
    await log.take(0);
    return log;
  }

  /** A log of all the organization's events, from its first. */
  static fromStart(ts: TestServer, organizationId: string): Promise<ChangeLog> {
    return Promise.resolve(new ChangeLog(ts, organizationId, []));
  }

  async take(atLeast: number, timeoutMs = 10_000): Promise<SeenChange[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.#read();
      if (rows.length >= atLeast || Date.now() > deadline) {
        if (rows.length > 0) this.#after = rows[rows.length - 1]!.cursor;
        return rows.map((r) => r.change);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Expects no new event (after a short wait for one that might still come). */
  async expectNone(): Promise<void> {
    await new Promise((r) => setTimeout(r, 300));
    expect(await this.take(0)).toEqual([]);
  }

  async #read(): Promise<{ cursor: bigint; change: SeenChange }[]> {
    const rows = await adminQuery<{
      cursor: string;
      event_type: string;
      resource_type: string;
      resource_id: string;
      change_kind: string;
      changed_fields: string[];
      etag: string;
      actor_kind: string;
      actor_id: string | null;
      request_id: string;
      resource: Record<string, unknown>;
    }>(
      this.ts,
      `SELECT seq::text AS cursor, event_type, resource_type, resource_id, change_kind, changed_fields, etag, actor_kind,
              actor_id::text, request_id, resource
       FROM change_events WHERE organization_id = $1 AND seq > $2
         AND (cardinality($3::text[]) = 0 OR resource_type = ANY($3::text[]))
       ORDER BY seq`,
      [this.organizationId, this.#after.toString(), this.resourceTypes],
    );
    return rows.map((r) => ({
      cursor: BigInt(r.cursor),
      change: {
        eventType: r.event_type,
        resourceType: r.resource_type,
        resourceId: r.resource_id,
        changeKind: r.change_kind,
        changedFields: r.changed_fields,
        etag: r.etag,
        actorKind: r.actor_kind,
        actorId: r.actor_id ?? '',
        requestId: r.request_id,
        resource: r.resource,
      },
    }));
  }
}

/** Whether any key or string value anywhere in `value` contains `needle` (secrets must not appear). */
export function mentions(value: unknown, needle: string): boolean {
  return JSON.stringify(value).toLowerCase().includes(needle.toLowerCase());
}

/** Call options sending `correlationId` as the call's x-request-id (the `request_id` its events record). */
export const correlated = (correlationId: string) => ({ metadata: Metadata({ 'x-request-id': correlationId }) });

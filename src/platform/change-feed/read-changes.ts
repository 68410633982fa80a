import { sql } from 'kysely';
import type { Bus } from '../bus/bus.js';
import type { Database, TenantScope } from '../db/database.js';
import type { ChangeEvents } from '../../../gen/db/schema.js';
import type { Selectable } from 'kysely';

/** One positioned change event as stored. */
export interface StoredChange {
  /** Its place in the feed (the sequencer's order; increasing, not contiguous per tenant). */
  position: number;
  id: string;
  organizationId: string;
  occurredAt: Date;
  resourceType: string;
  resourceId: string;
  eventType: string;
  changeKind: 'created' | 'updated' | 'deleted' | 'event';
  changedFields: string[];
  etag: string;
  actorKind: 'user' | 'api_key' | 'system';
  actorId: string | null;
  requestId: string;
  resource: Record<string, unknown>;
}

/** The columns a StoredChange is made of: every one but `seq` (write order, the sequencer's business). */
const storedChangeColumns = [
  'position',
  'id',
  'organization_id',
  'occurred_at',
  'resource_type',
  'resource_id',
  'event_type',
  'change_kind',
  'changed_fields',
  'etag',
  'actor_kind',
  'actor_id',
  'request_id',
  'resource',
] as const satisfies readonly (keyof ChangeEvents)[];

type StoredChangeRow = Pick<Selectable<ChangeEvents>, (typeof storedChangeColumns)[number]>;
/** The same, as a statement's column list (built once). */
const storedChangeColumnList = sql.join(storedChangeColumns.map((c) => sql.ref(c)));

/**
 * Which events to read. Resource types: missing means every one, an empty list none (a
 * subscriber who may read nothing). Event types: missing or empty means every one.
 */
export interface ChangeFilter {
  resourceTypes?: readonly string[];
  eventTypes?: readonly string[];
}

/**
 * The tenant's positioned events after `afterPosition`, in position order, at most `limit`: one
 * read-only statement in the tenant's own transaction (row-level security confines it), on the
 * (organization_id, position) index.
 */
export async function readChanges(
  db: Database,
  tenant: TenantScope,
  afterPosition: number,
  filter: ChangeFilter,
  limit: number,
): Promise<StoredChange[]> {
  if (filter.resourceTypes?.length === 0) return [];
  const rows = await db.read(tenant, (q) => {
    let query = q
      .selectFrom('change_events')
      .select(storedChangeColumns)
      .where('organization_id', '=', tenant.organizationId)
      .where('position', '>', afterPosition);
    if (filter.resourceTypes) query = query.where('resource_type', 'in', [...filter.resourceTypes]);
    if (filter.eventTypes?.length) query = query.where('event_type', 'in', [...filter.eventTypes]);
    return query.orderBy('position').limit(limit);
  });
  return rows.map(storedChange);
}

/** Whether `filter` lets `change` through: in memory, exactly what readChanges asks of the database. */
export function matchesFilter(filter: ChangeFilter, change: StoredChange): boolean {
  if (filter.resourceTypes && !filter.resourceTypes.includes(change.resourceType)) return false;
  return !filter.eventTypes?.length || filter.eventTypes.includes(change.eventType);
}

/**
 * The tenant's last positioned event's position (0 before its first): where a reader starting
 * "from now" starts. Every event positioned later has a greater position.
 */
export async function lastPosition(db: Database, tenant: TenantScope): Promise<number> {
  const [row] = await db.read(tenant, (q) =>
    q
      .selectFrom('change_events')
      .select(sql<number | null>`max(position)`.as('position'))
      .where('organization_id', '=', tenant.organizationId)
      .where('position', 'is not', null),
  );
  return Number(row?.position ?? 0);
}

/**
 * The events of every tenant after `afterPosition`, in position order, at most `limit`: for the
 * consumers that follow the whole feed (webhooks dispatcher, NATS relay). A SECURITY DEFINER
 * function answers (migrations/0010); the service's role still sees no tenant's rows directly.
 */
export async function readAllTenantsChanges(
  db: Database,
  afterPosition: number,
  limit: number,
): Promise<StoredChange[]> {
  return db.withoutTenant(async (tx) => {
    const { rows } = await sql<StoredChangeRow>`
      SELECT ${storedChangeColumnList}
      FROM change_events_after(${afterPosition}::bigint, ${limit}::integer)`.execute(tx);
    return rows.map(storedChange);
  });
}

/** The last position given in the whole feed (0 before the first): where a cross-tenant consumer starts from now. */
export async function lastPositionOfAllTenants(db: Database): Promise<number> {
  return db.withoutTenant(async (tx) => {
    const { rows } = await sql<{ position: number | string }>`SELECT last_change_position() AS position`.execute(tx);
    return Number(rows[0]?.position ?? 0);
  });
}

function storedChange(row: StoredChangeRow): StoredChange {
  return {
    position: Number(row.position),
    id: row.id,
    organizationId: row.organization_id,
    occurredAt: row.occurred_at,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    eventType: row.event_type,
    changeKind: row.change_kind as StoredChange['changeKind'],
    changedFields: row.changed_fields,
    etag: row.etag,
    actorKind: row.actor_kind as StoredChange['actorKind'],
    actorId: row.actor_id,
    requestId: row.request_id,
    resource: row.resource as Record<string, unknown>,
  };
}

/** The bus channel of the sequencer's wake-ups (payload: PositionedWakeup). */
export const POSITIONED_CHANNEL = 'change-feed.positioned';

/** What the sequencer publishes after each batch: the batch's last position and whose events it held. */
export interface PositionedWakeup {
  upTo: number;
  organizations: string[];
}

const positionedListeners = new Set<(upTo: number, organizations: readonly string[]) => void>();

/**
 * Calls `listener` whenever the sequencer (on any instance) has positioned events, with the last
 * position given and the organizations whose events it positioned, until the returned function
 * is called. Wake-ups are hints (the bus is at-most-once): a reader also polls slowly.
 */
export function onPositioned(listener: (upTo: number, organizations: readonly string[]) => void): () => void {
  positionedListeners.add(listener);
  return () => positionedListeners.delete(listener);
}

/** Hands a wake-up to this instance's listeners. */
export function notifyPositioned(wakeup: PositionedWakeup): void {
  for (const listener of positionedListeners) {
    try {
      listener(wakeup.upTo, wakeup.organizations);
    } catch {
      // A listener's failure is its own; the others still hear the wake-up.
    }
  }
}

/**
 * Feeds this instance's onPositioned listeners from the bus (the wake-ups of every instance's
 * sequencer), until the returned function is called. Started once per process by the server.
 */
export async function relayPositionedWakeups(bus: Bus): Promise<() => Promise<void>> {
  return bus.subscribe(POSITIONED_CHANNEL, (message) => {
    const wakeup = message as Partial<PositionedWakeup>;
    if (typeof wakeup.upTo !== 'number' || !Array.isArray(wakeup.organizations)) return;
    notifyPositioned({ upTo: wakeup.upTo, organizations: wakeup.organizations.filter((o) => typeof o === 'string') });
  });
}

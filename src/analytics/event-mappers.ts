import { ActorKind, EventSource, type AnalyticsEvent } from '../../gen/ts/imsop/analytics/v1/resources.js';
import type { SelectedRow } from '../platform/db/table-row.js';

/** The columns every event read selects (never SELECT *). */
export const eventColumns = [
  'id',
  'event_type',
  'source',
  'entity_type',
  'entity_id',
  'actor_kind',
  'actor_id',
  'metadata',
  'occurred_at',
  'recorded_at',
] as const;

export type EventRow = SelectedRow<'analytics_events', typeof eventColumns>;

const SOURCES: Record<string, EventSource> = { server: EventSource.EVENT_SOURCE_SERVER, client: EventSource.EVENT_SOURCE_CLIENT };
const ACTORS: Record<string, ActorKind> = {
  user: ActorKind.ACTOR_KIND_USER,
  api_key: ActorKind.ACTOR_KIND_API_KEY,
  system: ActorKind.ACTOR_KIND_SYSTEM,
};

export function sourceFromProto(source: EventSource): 'server' | 'client' | undefined {
  if (source === EventSource.EVENT_SOURCE_SERVER) return 'server';
  if (source === EventSource.EVENT_SOURCE_CLIENT) return 'client';
  return undefined;
}

export function toAnalyticsEvent(row: EventRow): AnalyticsEvent {
  return {
    id: row.id,
    eventType: row.event_type,
    source: SOURCES[row.source] ?? EventSource.EVENT_SOURCE_UNSPECIFIED,
    entityType: row.entity_type,
    entityId: row.entity_id,
    actorKind: ACTORS[row.actor_kind] ?? ActorKind.ACTOR_KIND_UNSPECIFIED,
    actorId: row.actor_id ?? '',
    metadata: typeof row.metadata === 'object' && row.metadata !== null && !Array.isArray(row.metadata) ? (row.metadata as Record<string, unknown>) : {},
    occurTime: row.occurred_at,
    recordTime: row.recorded_at,
  };
}

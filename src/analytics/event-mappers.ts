import { ActorKind, EventSource, type AnalyticsEvent } from '../../gen/ts/imsop/analytics/v1/resources.js';
import { enumMapping } from '../platform/enum-mapping.js';
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

const SOURCE = enumMapping(
  { server: EventSource.EVENT_SOURCE_SERVER, client: EventSource.EVENT_SOURCE_CLIENT },
  EventSource.EVENT_SOURCE_UNSPECIFIED,
);
const ACTOR_KIND = enumMapping(
  {
    user: ActorKind.ACTOR_KIND_USER,
    api_key: ActorKind.ACTOR_KIND_API_KEY,
    system: ActorKind.ACTOR_KIND_SYSTEM,
  },
  ActorKind.ACTOR_KIND_UNSPECIFIED,
);

export const sourceFromProto = SOURCE.fromProto;

export function toAnalyticsEvent(row: EventRow): AnalyticsEvent {
  return {
    id: row.id,
    eventType: row.event_type,
    source: SOURCE.toProto(row.source),
    entityType: row.entity_type,
    entityId: row.entity_id,
    actorKind: ACTOR_KIND.toProto(row.actor_kind),
    actorId: row.actor_id ?? '',
    metadata:
      typeof row.metadata === 'object' && row.metadata !== null && !Array.isArray(row.metadata)
        ? (row.metadata as Record<string, unknown>)
        : {},
    occurTime: row.occurred_at,
    recordTime: row.recorded_at,
  };
}

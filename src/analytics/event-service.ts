import { sql } from 'kysely';
import {
  EventServiceService,
  RecordEventsRequest,
  RecordEventsResponse,
  type ListEventsRequest,
  type ListEventsResponse,
} from '../../gen/ts/imsop/analytics/v1/event_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { TenantScope } from '../platform/db/database.js';
import { mutation } from '../platform/mutation.js';
import { recordClientEvents } from '../platform/outbox/record-event.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import { validateClientEvents } from './client-events.js';
import { eventColumns, sourceFromProto, toAnalyticsEvent } from './event-mappers.js';
import { ENTITY_ID_MAX_CHARS, ENTITY_TYPE_PATTERN, EVENT_TYPE_MAX_CHARS, EVENT_TYPE_PATTERN } from './event-types.js';

/**
 * Client events in, events out. Every event goes through the platform's outbox
 * (platform/outbox/record-event.ts: server events from the domains' transactions, client events
 * from here); analytics is the outbox's declared reader and lists it directly.
 */
export class EventService {
  constructor(private readonly app: AppContext) {}

  /**
   * Stores a batch of client events in one statement, all or none, at most once per request_id.
   * @throws AppError INVALID_ARGUMENT (see validateClientEvents; request_id problems).
   */
  async record(scope: TenantScope, request: RecordEventsRequest): Promise<RecordEventsResponse> {
    const events = validateClientEvents(request.events);
    return mutation(
      this.app.db,
      scope,
      { path: EventServiceService.recordEvents.path, request: RecordEventsRequest, response: RecordEventsResponse },
      request,
      async (work) => ({
        eventIds: await recordClientEvents(work, events),
      }),
    );
  }

  /**
   * Newest first, keyset-paginated on (occurred_at, id) descending. Each filter has an index in
   * that order (migrations/0007); a time range also skips whole month partitions.
   * @throws AppError INVALID_ARGUMENT for bad filters or a foreign page token.
   */
  async list(scope: TenantScope, request: ListEventsRequest): Promise<ListEventsResponse> {
    const size = resolvePageSize(request.pageSize, { default: 100, max: 1000 });
    const v = new Violations();
    if (
      request.eventType &&
      (request.eventType.length > EVENT_TYPE_MAX_CHARS || !EVENT_TYPE_PATTERN.test(request.eventType))
    ) {
      v.add('event_type', 'must be an event type such as inventory.stock_moved');
    }
    if (request.entityType && !ENTITY_TYPE_PATTERN.test(request.entityType))
      v.add('entity_type', 'must be an entity type such as purchase_order');
    if (request.entityId && !request.entityType) v.add('entity_id', 'requires entity_type');
    v.maxChars('entity_id', request.entityId, ENTITY_ID_MAX_CHARS);
    const { startTime: start, endTime: end } = request;
    if (start && end && start.getTime() > end.getTime()) v.add('start_time', 'must not be after end_time');
    v.throwIfAny();
    const org = scope.organizationId;
    const filter = {
      type: request.eventType || undefined,
      entityType: request.entityType || undefined,
      entityId: request.entityId || undefined,
      source: sourceFromProto(request.source),
      start: start?.toISOString(),
      end: end?.toISOString(),
    };
    const binding = { organizationId: org, method: EventServiceService.listEvents.path, filter };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['timestamp', 'uuid']);
    return this.app.db.inTenant(scope, async (work) => {
      const rows = await work.tx
        .selectFrom('analytics_events')
        .select([...eventColumns, sql<string>`occurred_at::text`.as('cursor_time')])
        .where('organization_id', '=', org)
        .$if(filter.type !== undefined, (q) => q.where('event_type', '=', filter.type!))
        .$if(filter.entityType !== undefined, (q) => q.where('entity_type', '=', filter.entityType!))
        .$if(filter.entityId !== undefined, (q) => q.where('entity_id', '=', filter.entityId!))
        .$if(filter.source !== undefined, (q) => q.where('source', '=', filter.source!))
        .$if(start !== undefined, (q) => q.where('occurred_at', '>=', start!))
        .$if(end !== undefined, (q) => q.where('occurred_at', '<', end!))
        .$if(after !== undefined, (q) =>
          q.where(sql<boolean>`(occurred_at, id) < (${after![0]}::timestamptz, ${after![1]}::uuid)`),
        )
        .orderBy('occurred_at', 'desc')
        .orderBy('id', 'desc')
        .limit(size + 1)
        .execute();
      const page = this.app.pageTokens.page(rows, size, binding, (r) => [r.cursor_time, r.id]);
      return { events: page.items.map(toAnalyticsEvent), nextPageToken: page.nextPageToken };
    });
  }
}

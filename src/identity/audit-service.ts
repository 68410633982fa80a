import { sql } from 'kysely';
import {
  AuditServiceService,
  type ListAuditEntriesRequest,
  type ListAuditEntriesResponse,
} from '../../gen/ts/imsop/identity/v1/audit_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { Principal } from '../platform/auth/principal.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import { auditColumns, toAuditEntry } from './mappers.js';
import { scopeOf } from './scope.js';

/** Reading the audit trail. Entries are written only by the database trigger (migrations/0002). */
export class AuditService {
  constructor(private readonly app: AppContext) {}

  /**
   * Newest first, keyset-paginated on (occurred_at, id) descending; each filter narrows the
   * index range (see the audit_log indexes).
   * @throws AppError INVALID_ARGUMENT for bad filters or a foreign page token.
   */
  async list(principal: Principal, request: ListAuditEntriesRequest): Promise<ListAuditEntriesResponse> {
    const size = resolvePageSize(request.pageSize, { default: 100, max: 1000 });
    const v = new Violations().maxChars('table_name', request.tableName, 63).uuid('actor_id', request.actorId, false);
    const start = request.startTime;
    const end = request.endTime;
    if (start && end && start.getTime() > end.getTime()) v.add('start_time', 'must not be after end_time');
    v.throwIfAny();
    const { organizationId } = principal;
    const filter = {
      table: request.tableName || undefined,
      actor: request.actorId ? request.actorId.toLowerCase() : undefined,
      start: start?.toISOString(),
      end: end?.toISOString(),
    };
    const binding = { organizationId, method: AuditServiceService.listAuditEntries.path, filter };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['timestamp', 'bigint']);
    return this.app.db.inTenant(scopeOf(principal), async (work) => {
      const rows = await work.tx
        .selectFrom('audit_log')
        .select([...auditColumns, sql<string>`occurred_at::text`.as('cursor_time')])
        .where('organization_id', '=', organizationId)
        .$if(filter.table !== undefined, (q) => q.where('table_name', '=', filter.table!))
        .$if(filter.actor !== undefined, (q) => q.where('actor_id', '=', filter.actor!))
        .$if(start !== undefined, (q) => q.where('occurred_at', '>=', start!))
        .$if(end !== undefined, (q) => q.where('occurred_at', '<', end!))
        .$if(after !== undefined, (q) =>
          q.where(sql<boolean>`(occurred_at, id) < (${after![0]}::timestamptz, ${after![1]}::bigint)`),
        )
        .orderBy('occurred_at', 'desc')
        .orderBy('id', 'desc')
        .limit(size + 1)
        .execute();
      const page = this.app.pageTokens.page(rows, size, binding, (r) => [r.cursor_time, String(r.id)]);
      return { auditEntries: page.items.map(toAuditEntry), nextPageToken: page.nextPageToken };
    });
  }
}

import type { Transaction } from 'kysely';
import type { DB } from '../../../gen/db/schema.js';

/** A transaction handle scoped to one tenant (or to no tenant: then RLS shows no tenant rows). */
export type Tx = Transaction<DB>;

/** What kind of actor `TenantScope.userId` names (recorded as `audit_log.actor_kind`). */
export type ActorKind = 'user' | 'api_key' | 'system';

/**
 * Who a transaction acts for: sets `app.org_id` / `app.user_id` / `app.actor_kind` for RLS and
 * the audit trail.
 */
export interface TenantScope {
  organizationId: string;
  /** The acting user (or API key principal), recorded by audit triggers. */
  userId?: string | null;
  /** Default 'user'; the audit trigger records 'system' whenever there is no userId. */
  actorKind?: ActorKind;
  /** The correlation id of the call acting (recorded by change events); none for background work. */
  requestId?: string;
}

/**
 * The settings a scope's transactions run with (organization, user, actor kind), as one key:
 * calls with equal keys may share a statement or a transaction (coalescing), as row-level
 * security and the audit trail see them the same.
 */
export function settingsKey(scope: TenantScope): string {
  return [scope.organizationId, scope.userId ?? '', scope.actorKind ?? 'user'].join('/');
}

import type { ActorKind, TenantScope, Tx } from './tenant-scope.js';

/** The organization a unit of work is confined to (by row-level security and by every query's own filter). */
export interface Tenant {
  readonly organizationId: string;
}

/**
 * Who a unit of work acts for, as recorded in the ledger, the outbox and the audit trail: a user
 * or API key, or the system (a sweeper, the aggregation, setup) when nobody is named.
 */
export interface Actor {
  /** The user or API key id; null for the system. */
  readonly id: string | null;
  readonly kind: ActorKind;
}

/** Work to run once the transaction has committed (cache invalidation, bus publish). */
export type AfterCommitHook = () => Promise<void> | void;

/**
 * One tenant transaction as the code inside it sees it: the transaction, the tenant and actor it
 * runs for, and its after-commit hooks, handed out by `Database.inTenant` (and `mutation`) as one
 * value. Domain functions that run inside a transaction take this instead of threading the
 * transaction, the organization id and the after-commit registrar separately, so the tenant a
 * query filters on is always the tenant the transaction was opened for.
 */
export interface UnitOfWork {
  readonly tx: Tx;
  readonly tenant: Tenant;
  readonly actor: Actor;
  /**
   * The correlation id of the call this work serves (x-request-id, as in logs and ErrorInfo);
   * '' for background work. Change events record it, so a subscriber can tie an event to a call.
   */
  readonly requestId: string;
  /**
   * Registers work to run once the transaction has committed: never before, so nobody can
   * observe a change that might still roll back, and never after a rollback. A failing hook is
   * logged; the commit stands.
   */
  afterCommit(hook: AfterCommitHook): void;
}

/**
 * The unit of work of a transaction opened for `scope`, its hooks collected in `hooks`. The actor
 * is the scope's principal, or the system when the scope names none (the rule the audit trigger
 * applies to the same settings).
 */
export function unitOfWork(tx: Tx, scope: TenantScope, hooks: AfterCommitHook[]): UnitOfWork {
  const id = scope.userId || null;
  return {
    tx,
    tenant: { organizationId: scope.organizationId },
    actor: { id, kind: id ? (scope.actorKind ?? 'user') : 'system' },
    requestId: scope.requestId ?? '',
    afterCommit: (hook) => {
      hooks.push(hook);
    },
  };
}

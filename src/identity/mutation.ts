import type { Principal } from '../platform/auth/principal.js';
import type { AfterCommit, Database, TenantScope, Tx } from '../platform/db/database.js';
import { runOnce } from '../platform/idempotency.js';

/** A ts-proto message type: what runOnce needs to hash requests and store responses. */
export interface MessageType<M> {
  encode(message: M): { finish(): Uint8Array };
  decode(bytes: Uint8Array): M;
}

/** The tenant scope a principal acts in: its organization, and itself as the audited actor. */
export const scopeOf = (principal: Principal): TenantScope => ({
  organizationId: principal.organizationId,
  userId: principal.actorId,
  actorKind: principal.kind,
});

/**
 * One mutating call: a tenant transaction acting as the principal, run at most once per
 * request_id (src/platform/idempotency.ts). `hashed` is the request as compared for retries;
 * pass a copy without secrets (passwords) so their hash is never stored.
 */
export function mutation<Req extends { requestId?: string }, Res>(
  db: Database,
  principal: Principal,
  method: string,
  types: { request: MessageType<Req>; response: MessageType<Res> },
  hashed: Req,
  work: (tx: Tx, afterCommit: AfterCommit) => Promise<Res>,
): Promise<Res> {
  return db.inTenant(scopeOf(principal), (tx, afterCommit) =>
    runOnce(tx, principal.organizationId, method, hashed, types, () => work(tx, afterCommit)),
  );
}

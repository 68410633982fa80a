import type { AfterCommit, Database, TenantScope, Tx } from '../platform/db/database.js';
import { runOnce } from '../platform/idempotency.js';

/** The parts of a ts-proto grpc-js method definition that idempotent replay needs. */
export interface MethodDefinition<Req, Res> {
  path: string;
  requestSerialize(value: Req): Buffer;
  responseSerialize(value: Res): Buffer;
  responseDeserialize(value: Buffer): Res;
}

/**
 * One mutating procurement call: a tenant transaction in which `work` runs at most once per
 * request_id (src/platform/idempotency.ts). The request hash and the stored response use the
 * method's own wire codecs, so a retry gets back exactly what the first call answered.
 */
export function mutation<Req extends { requestId?: string }, Res>(
  db: Database,
  scope: TenantScope,
  method: MethodDefinition<Req, Res>,
  request: Req,
  work: (tx: Tx, afterCommit: AfterCommit) => Promise<Res>,
): Promise<Res> {
  const codecs = {
    request: { encode: (m: Req) => ({ finish: () => method.requestSerialize(m) }) },
    response: {
      encode: (m: Res) => ({ finish: () => method.responseSerialize(m) }),
      decode: (bytes: Uint8Array) => method.responseDeserialize(Buffer.from(bytes)),
    },
  };
  return db.inTenant(scope, (tx, afterCommit) => runOnce(tx, scope.organizationId, method.path, request, codecs, () => work(tx, afterCommit)));
}

/** True when `error` is PostgreSQL's unique violation (23505) of the named constraint or index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | undefined;
  return e?.code === '23505' && e.constraint === constraint;
}

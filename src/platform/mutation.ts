import type { Database, TenantScope } from './db/database.js';
import type { UnitOfWork } from './db/unit-of-work.js';
import { runOnce, type Codec, type Encoder } from './idempotency.js';

/**
 * A mutating method as idempotency needs it: its name (part of the fingerprint, so one
 * request_id cannot serve two methods), how its request is fingerprinted, and how its response
 * is stored for retries.
 */
export interface MutationMethod<Req, Res> {
  path: string;
  request: Encoder<Req>;
  response: Codec<Res>;
}

/** The parts of a ts-proto grpc-js method definition that idempotent replay needs. */
export interface MethodDefinition<Req, Res> {
  path: string;
  requestSerialize(value: Req): Buffer;
  responseSerialize(value: Res): Buffer;
  responseDeserialize(value: Buffer): Res;
}

/** A method with its own wire codecs, so a retry gets back byte for byte what the first call answered. */
export function wireMethod<Req, Res>(method: MethodDefinition<Req, Res>): MutationMethod<Req, Res> {
  return {
    path: method.path,
    request: { encode: (m: Req) => ({ finish: () => method.requestSerialize(m) }) },
    response: {
      encode: (m: Res) => ({ finish: () => method.responseSerialize(m) }),
      decode: (bytes: Uint8Array) => method.responseDeserialize(Buffer.from(bytes)),
    },
  };
}

/**
 * One mutating call: a tenant transaction in which `body` runs at most once per request_id
 * (see runOnce), given the transaction's unit of work, its idempotency record written in that
 * same transaction. A retry with the same
 * request_id gets the stored response and changes nothing. `request` is what is compared for
 * retries: pass a copy without secrets (passwords) so their hash is never stored.
 *
 * `firstTry` is a hot path's shortcut, tried before `body` in the same place: it answers the call
 * (one statement, typically), or returns undefined having written nothing, and `body` answers
 * instead. When the call has no request_id, nothing is stored after `firstTry`, so it is told it
 * may `commit`: its last statement may carry the transaction's COMMIT (thenCommit), a whole write
 * in one round trip. A firstTry that committed and wrote nothing leaves `body` to a new
 * transaction.
 * @throws AppError INVALID_ARGUMENT `REQUEST_ID_REUSED` (and what `body` throws).
 */
export async function mutation<Req extends { requestId?: string }, Res>(
  db: Database,
  scope: TenantScope,
  method: MutationMethod<Req, Res>,
  request: Req,
  body: (work: UnitOfWork) => Promise<Res>,
  firstTry?: (work: UnitOfWork, options: { commit: boolean }) => Promise<Res | undefined>,
): Promise<Res> {
  // runOnce is the transaction's last step: storing the answer commits with it.
  const run = (attempt: (work: UnitOfWork) => Promise<Res>) =>
    db.inTenant(scope, (work) =>
      runOnce(work, method.path, request, method, () => attempt(work), { commitWithAnswer: true }),
    );
  if (!firstTry) return run(body);
  const commit = !request.requestId;
  let handedOn = false;
  const answered = await run(async (work) => {
    const tried = await firstTry(work, { commit });
    if (tried !== undefined) return tried;
    if (!commit) return body(work);
    // Committed (or never begun) without writing: body goes in a transaction of its own.
    handedOn = true;
    return undefined as unknown as Res; // never stored: the call has no request_id
  });
  return handedOn ? run(body) : answered;
}

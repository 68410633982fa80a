import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { UnitOfWork } from './db/unit-of-work.js';
import { AppError, GrpcStatus } from './errors.js';
import { Violations } from './validation.js';

/** Writes a message as bytes: for the request's content fingerprint. */
export interface Encoder<M> {
  encode(message: M): { finish(): Uint8Array };
}
/** Writes and reads a message as bytes: for the stored response. */
export interface Codec<M> extends Encoder<M> {
  decode(bytes: Uint8Array): M;
}

/**
 * Runs a mutating call at most once per (organization, request_id), inside the caller's tenant
 * transaction (its unit of work). Without a request_id, `perform` just runs.
 *
 * How: insert the key first. A concurrent duplicate blocks on that insert until the first
 * transaction ends, then either sees the stored response (first committed) or inserts itself
 * (first rolled back: errors are not remembered, so a failed call can be retried). The
 * response is stored in the same transaction as the effects, so "done" and "remembered" can
 * never disagree.
 *
 * @throws AppError INVALID_ARGUMENT when request_id is not a UUID, or was used before for a
 *   different method or different request content.
 */
export async function runOnce<Req extends { requestId?: string }, Res>(
  work: UnitOfWork,
  method: string,
  request: Req,
  codecs: { request: Encoder<Req>; response: Codec<Res> },
  perform: () => Promise<Res>,
): Promise<Res> {
  const requestId = request.requestId;
  if (!requestId) return perform();
  new Violations().uuid('request_id', requestId).throwIfAny();
  const hash = createHash('sha256')
    .update(method)
    .update(codecs.request.encode({ ...request, requestId: '' }).finish())
    .digest();
  const { tx } = work;
  const { organizationId } = work.tenant;

  const inserted = await tx
    .insertInto('request_idempotency')
    .values({ organization_id: organizationId, request_id: requestId, method, request_hash: hash })
    .onConflict((oc) => oc.columns(['organization_id', 'request_id']).doNothing())
    .returning(sql<number>`1`.as('fresh'))
    .executeTakeFirst();
  if (!inserted) {
    const previous = await tx
      .selectFrom('request_idempotency')
      .select(['method', 'request_hash', 'response'])
      .where('organization_id', '=', organizationId)
      .where('request_id', '=', requestId)
      .executeTakeFirstOrThrow();
    if (previous.method !== method || !previous.request_hash.equals(hash) || !previous.response) {
      throw new AppError(GrpcStatus.INVALID_ARGUMENT, 'REQUEST_ID_REUSED', 'request_id (the idempotency key) was already used for a different request.', {
        fieldViolations: [{ field: 'request_id', description: 'was already used for a different request; use a new UUID per distinct request' }],
      });
    }
    return codecs.response.decode(previous.response);
  }
  const response = await perform();
  await tx
    .updateTable('request_idempotency')
    .set({ response: Buffer.from(codecs.response.encode(response).finish()) })
    .where('organization_id', '=', organizationId)
    .where('request_id', '=', requestId)
    .execute();
  return response;
}

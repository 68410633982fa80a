import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { thenCommit } from './db/deferred-begin-dialect.js';
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
 * With `commitWithAnswer` (the caller runs nothing after it), the statement storing the answer
 * carries the transaction's COMMIT (thenCommit): an idempotent write costs no round trip more
 * than one without a request_id.
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
  options: { commitWithAnswer?: boolean } = {},
): Promise<Res> {
  const requestId = request.requestId;
  if (!requestId) return perform();
  new Violations().uuid('request_id', requestId).throwIfAny();
  const hash = requestFingerprint(method, request, codecs.request);
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
    return replayOf(previous, method, hash, codecs.response);
  }
  const response = await perform();
  const store = sql`
    UPDATE request_idempotency SET response = ${Buffer.from(codecs.response.encode(response).finish())}
    WHERE organization_id = ${organizationId} AND request_id = ${requestId}`;
  await (options.commitWithAnswer ? thenCommit(store) : store).execute(tx);
  return response;
}

/** What identifies a request's content for retries: the method and the request without its request_id. */
export function requestFingerprint<Req>(method: string, request: Req, encoder: Encoder<Req>): Buffer {
  return createHash('sha256')
    .update(method)
    .update(encoder.encode({ ...request, requestId: '' }).finish())
    .digest();
}

/**
 * The stored answer for a request_id found already used: the response, when it was used for this
 * very request (same method and content), else REQUEST_ID_REUSED.
 * @throws AppError INVALID_ARGUMENT `REQUEST_ID_REUSED`.
 */
export function replayOf<Res>(
  previous: { method: string; request_hash: Buffer; response: Buffer | null },
  method: string,
  hash: Buffer,
  codec: Codec<Res>,
): Res {
  if (previous.method !== method || !previous.request_hash.equals(hash) || !previous.response) {
    throw new AppError(
      GrpcStatus.INVALID_ARGUMENT,
      'REQUEST_ID_REUSED',
      'request_id (the idempotency key) was already used for a different request.',
      {
        fieldViolations: [
          {
            field: 'request_id',
            description: 'was already used for a different request; use a new UUID per distinct request',
          },
        ],
      },
    );
  }
  return codec.decode(previous.response);
}

/**
 * runOnce for several requests of one method applied together in one transaction (coalesced
 * writes): what `claimBatch` found, and how to finish.
 */
export interface BatchClaim<Res> {
  /** Per request: the stored answer (or REQUEST_ID_REUSED) of a request_id used before; else undefined, to be applied. */
  readonly replays: (PromiseSettledResult<Res> | undefined)[];
  /** Whether settle writes anything (some request_id was claimed): when not, it runs no statement. */
  readonly settles: boolean;
  /**
   * Stores the answers of the applied requests whose request_id was claimed, and lets the
   * claims of refused ones go (errors are not remembered), as runOnce does for one. Call once,
   * in the same transaction, with every request's outcome; with `commit` when the transaction
   * runs nothing after it (its statement then carries the COMMIT, as runOnce's `commitWithAnswer`).
   */
  settle(outcomes: readonly PromiseSettledResult<Res>[], options?: { commit?: boolean }): Promise<void>;
}

/**
 * Claims the request_ids of several requests at once (runOnce's insert-first, for all of them in
 * one statement). The ids are inserted in sorted order, so two batches claiming overlapping ids
 * wait for each other instead of deadlocking. Request ids must already be valid UUIDs, and
 * distinct within the batch.
 */
export async function claimBatch<Req extends { requestId?: string }, Res>(
  work: UnitOfWork,
  method: string,
  codecs: { request: Encoder<Req>; response: Codec<Res> },
  requests: readonly Req[],
): Promise<BatchClaim<Res>> {
  const { tx } = work;
  const { organizationId } = work.tenant;
  const replays: (PromiseSettledResult<Res> | undefined)[] = requests.map(() => undefined);
  const keyed = requests.flatMap((r, i) =>
    r.requestId
      ? [{ i, requestId: r.requestId.toLowerCase(), hash: requestFingerprint(method, r, codecs.request) }]
      : [],
  );
  let claimed: typeof keyed = [];
  if (keyed.length > 0) {
    const { rows } = await sql<{ request_id: string }>`
      INSERT INTO request_idempotency (organization_id, request_id, method, request_hash)
      SELECT ${organizationId}::uuid, r.id, ${method}::text, r.hash
      FROM unnest(${keyed.map((k) => k.requestId)}::uuid[], ${keyed.map((k) => k.hash)}::bytea[]) AS r(id, hash) ORDER BY r.id
      ON CONFLICT (organization_id, request_id) DO NOTHING
      RETURNING request_id`.execute(tx);
    const fresh = new Set(rows.map((r) => r.request_id));
    claimed = keyed.filter((k) => fresh.has(k.requestId));
    const used = keyed.filter((k) => !fresh.has(k.requestId));
    if (used.length > 0) {
      const previous = await tx
        .selectFrom('request_idempotency')
        .select(['request_id', 'method', 'request_hash', 'response'])
        .where('organization_id', '=', organizationId)
        .where(
          'request_id',
          'in',
          used.map((k) => k.requestId),
        )
        .execute();
      const byId = new Map(previous.map((p) => [p.request_id, p]));
      for (const k of used) {
        try {
          replays[k.i] = {
            status: 'fulfilled',
            value: replayOf(byId.get(k.requestId)!, method, k.hash, codecs.response),
          };
        } catch (error) {
          replays[k.i] = { status: 'rejected', reason: error };
        }
      }
    }
  }
  return {
    replays,
    settles: claimed.length > 0,
    async settle(outcomes, options = {}) {
      const stored = claimed.filter((k) => outcomes[k.i]?.status === 'fulfilled');
      const dropped = claimed.filter((k) => outcomes[k.i]?.status !== 'fulfilled');
      if (stored.length + dropped.length === 0) return;
      const responses = stored.map((k) =>
        Buffer.from(codecs.response.encode((outcomes[k.i] as PromiseFulfilledResult<Res>).value).finish()),
      );
      const statement = sql`
        WITH stored AS (
          UPDATE request_idempotency t SET response = r.response
          FROM unnest(${stored.map((k) => k.requestId)}::uuid[], ${responses}::bytea[]) AS r(id, response)
          WHERE t.organization_id = ${organizationId} AND t.request_id = r.id
        )
        DELETE FROM request_idempotency WHERE organization_id = ${organizationId} AND request_id = ANY(${dropped.map((k) => k.requestId)}::uuid[])`;
      await (options.commit ? thenCommit(statement) : statement).execute(tx);
    },
  };
}

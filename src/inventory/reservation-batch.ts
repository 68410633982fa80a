import { randomUUID } from 'node:crypto';
import {
  StockServiceService,
  type ReserveStockRequest,
  type ReserveStockResponse,
} from '../../gen/ts/imsop/inventory/v1/stock_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { claimBatch } from '../platform/idempotency.js';
import { wireMethod } from '../platform/mutation.js';
import { toReservation, toStockLevel } from './mappers.js';
import type { Placement } from './located-stock.js';
import { reservableTarget } from './references.js';
import { insufficientStock, StockLedger, type LevelKey } from './stock-ledger.js';
import { expireDueReservations } from './reservation-closing.js';

/** A validated ReserveStock call waiting to be applied with others of its level. */
export interface ReserveCall {
  scope: TenantScope;
  request: ReserveStockRequest;
  key: LevelKey;
  quantity: number;
  reference: string;
  expiry: { at?: Date; ttlSeconds?: number };
  /** Aborted when the caller cancelled or its deadline passed: then it is not applied. */
  cancellation?: { readonly aborted: boolean };
  /** Where and which units (tracked products; such calls are never coalesced). */
  placement: Placement;
}

const reserveMethod = wireMethod(StockServiceService.reserveStock);

/** Thrown inside the batch's transaction, so it rolled back: nothing of the batch was applied. */
export class BatchRolledBack extends Error {
  constructor(override readonly cause: unknown) {
    super('the batched reservation transaction rolled back');
  }
}

/**
 * Applies ReserveStock calls of ONE level, ONE organization and ONE actor in one transaction,
 * each answered as if it had run alone, one after another in the given order:
 *  - a call whose request_id was used before gets the stored answer (or REQUEST_ID_REUSED) and
 *    is not applied again; the others' request_ids are claimed first (sorted, so two batches
 *    claiming overlapping ids cannot deadlock), exactly as runOnce claims one;
 *  - the level is checked, locked and changed once, in one statement (StockLedger.tryReserveEach);
 *    each accepted call gets its own reservation, ledger row and event, each refused one
 *    INSUFFICIENT_STOCK with what was available when its turn came;
 *  - accepted calls store their responses for retries; refused ones release their claim
 *    (a refusal is an error, and errors are not remembered: a retry may succeed later).
 * A failure of the whole batch (a missing or refusing product, warehouse or level, a database
 * error) rolls everything back and is thrown as BatchRolledBack, so the caller can apply the calls
 * one by one instead: each then gets its own exact answer.
 */
export async function reserveTogether(
  app: AppContext,
  calls: readonly ReserveCall[],
): Promise<PromiseSettledResult<ReserveStockResponse>[]> {
  const { scope, key } = calls[0]!;
  const attempt = (commitWithWalk: boolean) =>
    app.db.inTenant(scope, async (work) => {
      try {
        return await applyBatch(app, work, key, calls, commitWithWalk);
      } catch (error) {
        throw new BatchRolledBack(error);
      }
    });
  // First with the commit riding on the reserving statement; when that statement alone could
  // not settle the batch (it then wrote nothing), again in a transaction of its own.
  let settled = await attempt(true);
  if (settled === 'again') settled = await attempt(false);
  if (typeof settled === 'string') throw new BatchRolledBack(unreservable());
  return settled;
}

const unreservable = () => new Error('the level cannot take reservations as a batch');

async function applyBatch(
  app: AppContext,
  work: UnitOfWork,
  key: LevelKey,
  calls: readonly ReserveCall[],
  commitWithWalk: boolean,
): Promise<PromiseSettledResult<ReserveStockResponse>[] | 'again' | 'unreservable'> {
  // 1. Idempotency: claim every request_id of the batch, replay the ones already used.
  const claim = await claimBatch(
    work,
    reserveMethod.path,
    reserveMethod,
    calls.map((c) => c.request),
  );
  const outcomes = [...claim.replays];

  // 2. The level, checked and changed once for all (the same product and warehouse). When no
  // answer is left to store, the statement is the transaction's last and carries its COMMIT.
  const open = calls.flatMap((c, i) => (outcomes[i] ? [] : [i]));
  if (open.length > 0) {
    const ledger = new StockLedger(work, app.cache);
    const requests = open.map((i) => ({
      reservationId: randomUUID(),
      requestId: calls[i]!.scope.requestId,
      quantity: calls[i]!.quantity,
      reference: calls[i]!.reference,
      expiry: calls[i]!.expiry,
    }));
    const target = reservableTarget(work.tenant.organizationId, key);
    const commit = commitWithWalk && !claim.settles;
    let moved = await ledger.tryReserveEach(key, requests, target, { lapsedExpired: false, commit });
    // A missing or refusing product or warehouse, or a level that never had stock: nothing was
    // written, and the calls one by one give each its exact answer. (After a commit nothing may
    // throw here: the transaction is over, and a rollback would be refused.)
    if (commit && (moved === 'again' || moved === 'unreservable')) return moved;
    if (moved === 'lapsed') {
      await expireDueReservations(ledger, 1000, key);
      moved = await ledger.tryReserveEach(key, requests, target, { lapsedExpired: true });
    }
    if (moved === 'unreservable' || moved === 'lapsed' || moved === 'again') throw unreservable();
    moved.forEach((m, j) => {
      const i = open[j]!;
      if ('available' in m)
        outcomes[i] = { status: 'rejected', reason: insufficientStock(m.available, calls[i]!.quantity, key) };
      else
        outcomes[i] = {
          status: 'fulfilled',
          value: { reservation: toReservation(m.reservation!), stockLevel: toStockLevel(m.level) },
        };
    });
  }

  // 3. Remember the accepted answers; let the refused request_ids go (as a failed call's).
  const settled = outcomes.map((o) => o!);
  await claim.settle(settled, { commit: true }); // the transaction's last statement
  return settled;
}

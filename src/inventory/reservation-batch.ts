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
import { assertInboundOpen, assertStockable, isTracked, requireStockTarget } from './references.js';
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
  signal?: AbortSignal;
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
 *  - the level is locked and changed once (StockLedger.tryReserveEach); each accepted call gets
 *    its own reservation, ledger row and event, each refused one INSUFFICIENT_STOCK with what
 *    was available when its turn came;
 *  - accepted calls store their responses for retries; refused ones release their claim
 *    (a refusal is an error, and errors are not remembered: a retry may succeed later).
 * A failure of the whole batch (a bad level, a database error) rolls everything back and is
 * thrown as BatchRolledBack, so the caller can apply the calls one by one instead.
 */
export async function reserveTogether(
  app: AppContext,
  calls: readonly ReserveCall[],
): Promise<PromiseSettledResult<ReserveStockResponse>[]> {
  const { scope, key } = calls[0]!;
  return app.db.inTenant(scope, async (work) => {
    try {
      return await applyBatch(app, work, key, calls);
    } catch (error) {
      throw new BatchRolledBack(error);
    }
  });
}

async function applyBatch(app: AppContext, work: UnitOfWork, key: LevelKey, calls: readonly ReserveCall[]) {
  // 1. Idempotency: claim every request_id of the batch, replay the ones already used.
  const claim = await claimBatch(
    work,
    reserveMethod.path,
    reserveMethod,
    calls.map((c) => c.request),
  );
  const outcomes = [...claim.replays];

  // 2. The level, checked once for all (the same product and warehouse): as ReserveStock does.
  const open = calls.flatMap((c, i) => (outcomes[i] ? [] : [i]));
  if (open.length > 0) {
    const target = await requireStockTarget(work, key);
    // Tracked products reserve balances, one at a time under the level's lock: not here.
    if (isTracked(target.product)) throw new Error('reservations of tracked products are not coalesced');
    assertStockable(target.product);
    assertInboundOpen(target.warehouse);
    const refuse = (i: number, available: number) => {
      outcomes[i] = { status: 'rejected', reason: insufficientStock(available, calls[i]!.quantity, key) };
    };
    const ledger = new StockLedger(work, app.cache);
    const smallest = Math.min(...open.map((i) => calls[i]!.quantity));
    const wanted = open.reduce((sum, i) => sum + calls[i]!.quantity, 0);
    if (target.available === undefined) {
      // A level that never had stock has nothing to reserve.
      for (const i of open) refuse(i, 0);
    } else if (
      target.available < smallest &&
      // Lapsed reservations are expired when they would free stock someone here needs (one by
      // one, a request short of stock expires them and tries again: the same end state).
      !(target.hasLapsedReservations && (await expireDueReservations(ledger, 1000, key)) > 0)
    ) {
      // Nothing here fits what is committed: answer at once, without queueing for the row lock.
      for (const i of open) refuse(i, target.available);
    } else {
      if (target.available < wanted && target.hasLapsedReservations) await expireDueReservations(ledger, 1000, key);
      const moved = await ledger.tryReserveEach(
        key,
        open.map((i) => ({
          reservationId: randomUUID(),
          requestId: calls[i]!.scope.requestId,
          quantity: calls[i]!.quantity,
          reference: calls[i]!.reference,
          expiry: calls[i]!.expiry,
        })),
      );
      moved.forEach((m, j) => {
        const i = open[j]!;
        if ('available' in m) refuse(i, m.available);
        else
          outcomes[i] = {
            status: 'fulfilled',
            value: { reservation: toReservation(m.reservation!), stockLevel: toStockLevel(m.level) },
          };
      });
    }
  }

  // 3. Remember the accepted answers; let the refused request_ids go (as a failed call's).
  const settled = outcomes.map((o) => o!);
  await claim.settle(settled);
  return settled;
}

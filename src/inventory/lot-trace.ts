import { sql } from 'kysely';
import type { LotReceipt, TraceLotRequest, TraceLotResponse } from '../../gen/ts/imsop/inventory/v1/lot_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { TenantScope } from '../platform/db/database.js';
import { Violations } from '../platform/validation.js';
import * as input from './input.js';
import { findLot, toLotMessage } from './lot-rows.js';
import { toTransaction, transactionColumns, type TransactionRow } from './mappers.js';
import type { TraceSources } from './trace-sources.js';

type TraceRow = TransactionRow & { serial_numbers: string[] };

/**
 * TraceLot: a lot's recall trace, read from the ledger (every movement of a lot's units is a
 * ledger entry naming the lot, design rule 6): where it came from (its receive entries, with the
 * purchase order receipt and supplier behind each, asked of procurement) and every movement
 * since, oldest first (reservations, issues, transfers, moves, adjustments), with the serial
 * numbers each moved and the shipments that carried its units (asked of shipments, whose
 * transfers carry the shipment's id). One consistent read: the trace is the ledger as of one
 * moment.
 */
export class LotTrace {
  constructor(
    private readonly app: AppContext,
    private readonly sources: TraceSources,
  ) {}

  /** @throws AppError INVALID_ARGUMENT, NOT_FOUND `LOT_NOT_FOUND`. */
  async trace(scope: TenantScope, request: TraceLotRequest): Promise<TraceLotResponse> {
    const v = new Violations();
    const lotId = input.id(v, 'lot_id', request.lotId);
    v.throwIfAny();
    return this.app.db.inTenant(scope, async (work) => {
      const org = work.tenant.organizationId;
      const lot = await findLot(work, lotId);
      const entries = (await work.tx
        .selectFrom('inventory_transactions as t')
        .select([
          ...transactionColumns.map((c) => `t.${c}` as const),
          sql<string[]>`coalesce((SELECT array_agg(s.serial_number ORDER BY s.serial_number)
            FROM inventory_transaction_serials ts JOIN serial_numbers s
              ON s.organization_id = ts.organization_id AND s.id = ts.serial_number_id
            WHERE ts.organization_id = t.organization_id AND ts.transaction_id = t.id), '{}')`.as('serial_numbers'),
        ])
        .where('t.organization_id', '=', org)
        .where('t.lot_id', '=', lotId)
        .orderBy('t.created_at')
        // Entries of one transaction share its time: what left before what arrived (a transfer's
        // or a move's out before its in), then by id for a stable order.
        .orderBy('t.on_hand_delta')
        .orderBy('t.id')
        .execute()) as TraceRow[];
      const receives = entries.filter((e) => e.type === 'receive');
      const origins = await this.sources.receiptsOf(
        work,
        receives.map((e) => e.id),
      );
      const transferIds = [...new Set(entries.flatMap((e) => (e.transfer_id ? [e.transfer_id] : [])))];
      const shipments = await this.sources.shipmentsAmong(work, transferIds);
      const stock = await work.tx
        .selectFrom('stock_balances')
        .select(sql<number>`coalesce(sum(quantity_on_hand), 0)::bigint`.as('on_hand'))
        .where('organization_id', '=', org)
        .where('lot_id', '=', lotId)
        .executeTakeFirstOrThrow();
      const receipts: LotReceipt[] = receives.map((e) => {
        const origin = origins.get(e.id);
        return {
          transactionId: e.id,
          warehouseId: e.warehouse_id,
          locationId: e.location_id,
          quantity: e.on_hand_delta,
          purchaseOrderId: origin?.purchaseOrderId ?? '',
          poNumber: origin?.poNumber ?? '',
          supplierId: origin?.supplierId ?? '',
          receiptId: origin?.receiptId ?? '',
          receiveTime: e.created_at,
        };
      });
      const sum = (pick: (e: TraceRow) => number) => entries.reduce((n, e) => n + pick(e), 0);
      return {
        lot: toLotMessage(lot),
        receipts,
        movements: entries.map((e) => ({ ...toTransaction(e), serialNumbers: e.serial_numbers })),
        shipmentIds: transferIds.filter((id) => shipments.has(id)),
        quantityReceived: sum((e) => (e.type === 'receive' ? e.on_hand_delta : 0)),
        // Units that left stock: issues (fulfilments included) and adjustments that took units away.
        quantityIssued: sum((e) =>
          e.type === 'issue' || (e.type === 'adjust' && e.on_hand_delta < 0) ? -e.on_hand_delta : 0,
        ),
        quantityOnHand: Number(stock.on_hand),
      };
    });
  }
}

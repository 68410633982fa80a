import type { ReservationAllocation } from '../../gen/ts/imsop/inventory/v1/resources.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { applyBalanceMovement, lockLevel, type BalanceChange, type BalanceMoved } from './balance-movement.js';
import type { TransactionRow } from './mappers.js';
import { pickSerials, settleSerials, type PickedSerial } from './serial-numbers.js';
import {
  insufficientStock,
  type LedgerDetails,
  type LevelKey,
  type NewReservation,
  type StockLedger,
} from './stock-ledger.js';

/**
 * Issues and reservations of serial-tracked units: the units are the serial numbers named (or
 * chosen first-expiry-first-out), so the balances a movement takes from are where those serials
 * are. Under the level's lock: pick the serials, take their balances in ONE balance movement
 * (level, balances, one ledger row per balance), then move the serials to their new state and
 * tie each to the ledger entry of its balance.
 */
export async function takeSerials(
  ledger: StockLedger,
  m: {
    key: LevelKey;
    quantity: number;
    serials: readonly string[];
    locationId?: string;
    type: 'issue' | 'reserve';
    opens?: NewReservation;
  } & LedgerDetails,
): Promise<{ moved: BalanceMoved; picked: PickedSerial[]; entries: (TransactionRow & { serialNumbers: string[] })[] }> {
  const { work } = ledger;
  const { key, quantity } = m;
  const level = await lockLevel(ledger, key);
  if (!level) throw insufficientStock(0, quantity, key);
  const picked = await pickSerials(work, {
    productId: key.productId,
    warehouseId: key.warehouseId,
    locationId: m.locationId,
    serials: m.serials,
    quantity,
  });
  const byBalance = new Map<string, { locationId: string; lotId: string | null; serials: PickedSerial[] }>();
  for (const s of picked) {
    const id = `${s.location_id}/${s.lot_id ?? ''}`;
    const group = byBalance.get(id) ?? { locationId: s.location_id, lotId: s.lot_id, serials: [] };
    group.serials.push(s);
    byBalance.set(id, group);
  }
  const changes: BalanceChange[] = [...byBalance.values()].map((g) => ({
    type: m.type,
    locationId: g.locationId,
    lotId: g.lotId,
    state: 'available',
    onHand: m.type === 'reserve' ? 0 : -g.serials.length,
    reserved: m.type === 'reserve' ? g.serials.length : 0,
    serialNumbers: g.serials.map((s) => s.serial_number),
  }));
  const moved = await applyBalanceMovement(ledger, { ...m, key, tracked: true, changes });
  if (!moved) throw insufficientStock(level.quantity_available ?? 0, quantity, key);
  const entryOf = entryFinder(moved.entries);
  await settleSerials(
    work,
    picked,
    m.type === 'reserve' ? { status: 'reserved', reservationId: m.reservationId! } : { status: 'issued' },
    entryOf,
  );
  const numbersOf = (e: TransactionRow) =>
    picked.filter((s) => entryOf(s.location_id, s.lot_id) === e.id).map((s) => s.serial_number);
  return { moved, picked, entries: moved.entries.map((e) => ({ ...e, serialNumbers: numbersOf(e) })) };
}

/**
 * The serial numbers a closing reservation held: issued with it (fulfilment), or back in stock
 * where they were (release, expiry), each tied to the closing entry of its balance.
 * @returns the serial numbers, by balance (`location/lot`).
 */
export async function closeReservedSerials(
  work: UnitOfWork,
  reservationId: string,
  fulfilled: boolean,
  entries: readonly TransactionRow[],
): Promise<Map<string, string[]>> {
  const held = await work.tx
    .selectFrom('serial_numbers')
    .select(['id', 'serial_number', 'location_id', 'lot_id', 'warehouse_id'])
    .where('organization_id', '=', work.tenant.organizationId)
    .where('reservation_id', '=', reservationId)
    .orderBy('serial_number')
    .forUpdate()
    .execute();
  const byBalance = new Map<string, string[]>();
  const picked = held.map((s) => ({ ...s, location_id: s.location_id! }));
  const entryOf = entryFinder(entries);
  if (fulfilled) await settleSerials(work, picked, { status: 'issued' }, entryOf);
  else {
    // Back in stock: each serial stays in its own location.
    for (const s of picked) {
      const to = { status: 'in_stock', warehouseId: s.warehouse_id!, locationId: s.location_id } as const;
      await settleSerials(work, [s], to, entryOf);
    }
  }
  for (const s of picked) {
    const id = `${s.location_id}/${s.lot_id ?? ''}`;
    byBalance.set(id, [...(byBalance.get(id) ?? []), s.serial_number]);
  }
  return byBalance;
}

/** Serial numbers onto the allocations a reservation shows. */
export function withSerials(
  allocations: ReservationAllocation[],
  serials: Map<string, string[]>,
): ReservationAllocation[] {
  return allocations.map((a) => ({ ...a, serialNumbers: serials.get(`${a.locationId}/${a.lotId}`) ?? [] }));
}

/** The ledger entry of a balance among a movement's entries. */
function entryFinder(entries: readonly TransactionRow[]) {
  return (locationId: string, lotId: string | null) => {
    const entry = entries.find((e) => e.location_id === locationId && e.lot_id === lotId);
    if (!entry) throw new Error(`no ledger entry for the balance ${locationId}/${lotId ?? ''} of a serial`);
    return entry.id;
  };
}

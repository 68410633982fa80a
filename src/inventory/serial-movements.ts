import type { ReservationAllocation } from '../../gen/ts/imsop/inventory/v1/resources.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { applyBalanceMovement, lockLevel, type BalanceChange, type BalanceMoved } from './balance-movement.js';
import type { TransactionRow } from './mappers.js';
import { requireLocation, stockStateOf, type StockStateText } from './locations.js';
import { linkSerials, pickSerials, settleSerials, type PickedSerial } from './serial-numbers.js';
import {
  compareLevelKeys,
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
  const changes: BalanceChange[] = byBalanceOf(picked).map((g) => ({
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
  await settleSerials(
    work,
    picked,
    m.type === 'reserve' ? { status: 'reserved', reservationId: m.reservationId! } : { status: 'issued' },
    entryFinder(moved.entries),
  );
  return { moved, picked, entries: numbersBy(moved.entries, picked) };
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

/** Picked serials grouped by the balance (location, lot) they sit in, in pick order. */
function byBalanceOf(picked: readonly PickedSerial[]) {
  const groups = new Map<string, { locationId: string; lotId: string | null; serials: PickedSerial[] }>();
  for (const s of picked) {
    const id = `${s.location_id}/${s.lot_id ?? ''}`;
    const group = groups.get(id) ?? { locationId: s.location_id, lotId: s.lot_id, serials: [] };
    group.serials.push(s);
    groups.set(id, group);
  }
  return [...groups.values()];
}

/** The stock state of each location serials sit in (held and damaged units leave those totals). */
async function statesOf(work: UnitOfWork, warehouseId: string, locationIds: readonly string[]) {
  const states = new Map<string, StockStateText>();
  for (const id of new Set(locationIds)) {
    const location = await requireLocation(work, id, warehouseId);
    states.set(id, location.is_default ? 'available' : stockStateOf(location.type));
  }
  return states;
}

/**
 * The departure of picked serials from where they sit (move_out, transfer_out): one change per
 * balance (location, lot) they leave, in pick order, in the stock state of its location.
 */
async function departures(
  work: UnitOfWork,
  warehouseId: string,
  picked: readonly PickedSerial[],
  type: 'move_out' | 'transfer_out',
): Promise<BalanceChange[]> {
  const sources = byBalanceOf(picked);
  const states = await statesOf(
    work,
    warehouseId,
    sources.map((g) => g.locationId),
  );
  return sources.map((g) => ({
    type,
    locationId: g.locationId,
    lotId: g.lotId,
    state: states.get(g.locationId)!,
    onHand: -g.serials.length,
    reserved: 0,
    serialNumbers: g.serials.map((x) => x.serial_number),
  }));
}

/** The arrival of picked serials at one location (move_in, transfer_in): one change per lot. */
function arrivals(
  picked: readonly PickedSerial[],
  type: 'move_in' | 'transfer_in',
  location: { id: string; state: StockStateText },
): BalanceChange[] {
  const lots = new Map<string, string[]>();
  for (const s of picked) lots.set(s.lot_id ?? '', [...(lots.get(s.lot_id ?? '') ?? []), s.serial_number]);
  return [...lots].map(([lot, serialNumbers]) => ({
    type,
    locationId: location.id,
    lotId: lot || null,
    state: location.state,
    onHand: serialNumbers.length,
    reserved: 0,
    serialNumbers,
  }));
}

/** Serial numbers of each entry: those tied to the entry's balance (`location/lot`). */
function numbersBy(entries: readonly TransactionRow[], picked: readonly PickedSerial[], at?: string) {
  return entries.map((e) => ({
    ...e,
    serialNumbers: picked
      .filter((s) => (at ?? s.location_id) === e.location_id && s.lot_id === e.lot_id)
      .map((s) => s.serial_number),
  }));
}

/**
 * Moves serial-tracked units between locations of one warehouse (MoveStock): the named serials
 * (or unreserved ones at the source chosen by lot expiry, location and number, held and
 * expired ones too), in ONE balance movement: an arrival per lot at the destination first, then a
 * departure per balance left. Each serial moves to the destination and is tied to both entries.
 * @throws AppError FAILED_PRECONDITION (INSUFFICIENT_STOCK, SERIAL_NUMBER_NOT_AVAILABLE), NOT_FOUND.
 */
export async function moveSerials(
  ledger: StockLedger,
  m: {
    key: LevelKey;
    quantity: number;
    serials: readonly string[];
    sourceLocationId: string;
    destination: { id: string; state: StockStateText };
    lotId?: string;
  } & LedgerDetails,
): Promise<{ moved: BalanceMoved; outCount: number; entries: (TransactionRow & { serialNumbers: string[] })[] }> {
  const { work } = ledger;
  const { key, quantity } = m;
  const level = await lockLevel(ledger, key);
  if (!level) throw insufficientStock(0, quantity, key);
  const picked = await pickSerials(work, {
    productId: key.productId,
    warehouseId: key.warehouseId,
    locationId: m.sourceLocationId,
    lotId: m.lotId,
    serials: m.serials,
    quantity,
    anyState: true,
  });
  const outs = await departures(work, key.warehouseId, picked, 'move_out');
  const ins = arrivals(picked, 'move_in', m.destination);
  // Arrivals first, as moveLocated does (the level's after-values are cumulative).
  const moved = await applyBalanceMovement(ledger, { ...m, key, tracked: true, changes: [...ins, ...outs] });
  if (!moved) throw insufficientStock(level.quantity_available ?? 0, quantity, key);
  const outEntries = moved.entries.slice(ins.length);
  const inEntries = moved.entries.slice(0, ins.length);
  const to = { status: 'in_stock', warehouseId: key.warehouseId, locationId: m.destination.id } as const;
  await settleSerials(work, picked, to, entryFinder(outEntries));
  await linkArrivals(work, picked, inEntries);
  return {
    moved,
    outCount: outs.length,
    entries: [...numbersBy(inEntries, picked, m.destination.id), ...numbersBy(outEntries, picked)],
  };
}

/**
 * Transfers serial-tracked units to another warehouse (TransferStock): both levels locked in the
 * domain's order, the named serials (or available ones chosen first expiry first) taken from
 * their balances at the source in one balance movement, put per lot into the destination's
 * location in another; each serial moves along and is tied to both entries.
 * @throws AppError FAILED_PRECONDITION (INSUFFICIENT_STOCK, SERIAL_NUMBER_NOT_AVAILABLE), NOT_FOUND.
 */
export async function transferSerials(
  ledger: StockLedger,
  m: {
    source: LevelKey;
    destination: LevelKey;
    quantity: number;
    serials: readonly string[];
    sourceLocationId?: string;
    destinationLocation: { id: string; state: StockStateText };
    reorderPoint: number;
  } & LedgerDetails,
): Promise<{ out: BalanceMoved; into: BalanceMoved; entries: (TransactionRow & { serialNumbers: string[] })[] }> {
  const { work } = ledger;
  const { source, destination, quantity } = m;
  let sourceLevel: Awaited<ReturnType<typeof lockLevel>>;
  for (const key of [source, destination].sort(compareLevelKeys)) {
    const level = await lockLevel(ledger, key, key === destination ? m.reorderPoint : undefined);
    if (key === source) sourceLevel = level;
  }
  if (!sourceLevel) throw insufficientStock(0, quantity, source);
  const picked = await pickSerials(work, {
    productId: source.productId,
    warehouseId: source.warehouseId,
    locationId: m.sourceLocationId,
    serials: m.serials,
    quantity,
  });
  const { source: _s, destination: _d, ...details } = m;
  const out = await applyBalanceMovement(ledger, {
    ...details,
    key: source,
    tracked: true,
    changes: await departures(work, source.warehouseId, picked, 'transfer_out'),
  });
  if (!out) throw insufficientStock(sourceLevel.quantity_available ?? 0, quantity, source);
  const into = await applyBalanceMovement(ledger, {
    ...details,
    key: destination,
    tracked: true,
    changes: arrivals(picked, 'transfer_in', m.destinationLocation),
  });
  if (!into) throw new Error('a transfer of serials was refused at its destination level');
  const to = {
    status: 'in_stock',
    warehouseId: destination.warehouseId,
    locationId: m.destinationLocation.id,
  } as const;
  await settleSerials(work, picked, to, entryFinder(out.entries));
  await linkArrivals(work, picked, into.entries);
  return {
    out,
    into,
    entries: [...numbersBy(out.entries, picked), ...numbersBy(into.entries, picked, m.destinationLocation.id)],
  };
}

/** Ties moved serials to the arrival entry of their lot as well (a serial's history shows both sides). */
async function linkArrivals(work: UnitOfWork, picked: readonly PickedSerial[], arrivals: readonly TransactionRow[]) {
  for (const e of arrivals) {
    await linkSerials(
      work,
      e.id,
      picked.filter((s) => s.lot_id === e.lot_id).map((s) => s.id),
    );
  }
}

/**
 * Dispatch of serial-tracked units on a transfer shipment: available serials chosen first
 * expiry first at the origin (under the level's lock), taken from their balances in one
 * balance movement, then in transit, each tied to its departure entry (which carries the
 * shipment's id as transfer id: arrivalOfSerials finds them by it).
 * @throws AppError FAILED_PRECONDITION `INSUFFICIENT_STOCK`.
 */
export async function dispatchSerials(
  ledger: StockLedger,
  m: { key: LevelKey; quantity: number; transferId: string } & LedgerDetails,
): Promise<void> {
  const { work } = ledger;
  const { key, quantity } = m;
  const level = await lockLevel(ledger, key);
  if (!level) throw insufficientStock(0, quantity, key);
  const picked = await pickSerials(work, {
    productId: key.productId,
    warehouseId: key.warehouseId,
    serials: [],
    quantity,
  });
  const out = await applyBalanceMovement(ledger, {
    ...m,
    key,
    tracked: true,
    changes: await departures(work, key.warehouseId, picked, 'transfer_out'),
  });
  if (!out) throw insufficientStock(level.quantity_available ?? 0, quantity, key);
  await settleSerials(work, picked, { status: 'in_transit' }, entryFinder(out.entries));
}

/**
 * Arrival of a transfer shipment's serial-tracked units: the serials its dispatch took (in
 * transit, tied to a departure entry with the shipment's id) go into stock at `locationId` of
 * the destination, each tied to the arrival entry of its lot.
 */
export async function arrivalOfSerials(
  work: UnitOfWork,
  m: { key: LevelKey; transferId: string; locationId: string; entries: readonly TransactionRow[] },
): Promise<void> {
  const org = work.tenant.organizationId;
  const rows = await work.tx
    .selectFrom('serial_numbers as s')
    .innerJoin('inventory_transaction_serials as ts', (j) =>
      j.onRef('ts.organization_id', '=', 's.organization_id').onRef('ts.serial_number_id', '=', 's.id'),
    )
    .innerJoin('inventory_transactions as t', (j) =>
      j.onRef('t.organization_id', '=', 'ts.organization_id').onRef('t.id', '=', 'ts.transaction_id'),
    )
    .select(['s.id', 's.serial_number', 's.lot_id'])
    .where('s.organization_id', '=', org)
    .where('s.product_id', '=', m.key.productId)
    .where('s.status', '=', 'in_transit')
    .where('t.transfer_id', '=', m.transferId)
    .where('t.type', '=', 'transfer_out')
    .orderBy('s.serial_number')
    .forUpdate('s')
    .execute();
  const picked = rows.map((r) => ({ ...r, location_id: m.locationId }));
  const to = { status: 'in_stock', warehouseId: m.key.warehouseId, locationId: m.locationId } as const;
  await settleSerials(work, picked, to, entryFinder(m.entries));
}

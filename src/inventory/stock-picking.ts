import { sql } from 'kysely';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { failedPrecondition } from '../platform/errors.js';
import { stockStateOf, type StockStateText } from './locations.js';
import type { LevelKey } from './stock-ledger.js';

/**
 * Which balances a movement takes its units from: first-expiry-first-out over the lots of a
 * product in a warehouse, or the lots the caller names. Read while the level is locked (see
 * balance-movement.ts), so what is read is what the movement will find.
 *
 * Order of the default choice: the earliest expiry date first (lots without one last), then
 * the default location, then locations by code. Expired lots are never chosen by default;
 * stock on hold or damaged is never taken by issues, reservations or transfers.
 */

/** Stock of one balance that a movement may take. */
export interface Candidate {
  locationId: string;
  locationCode: string;
  lotId: string | null;
  lotNumber: string | null;
  expiresOn: string | null;
  expired: boolean;
  state: StockStateText;
  /** On hand less what reservations have allocated there. */
  free: number;
}

/** One balance and how many units to take there. */
export interface Take extends Candidate {
  quantity: number;
}

/** A caller's choice of lot (LotPick), validated. */
export interface LotChoice {
  lotId: string;
  locationId?: string;
  quantity: number;
  field: string;
}

/**
 * The balances of a level with free stock, the default location's untracked stock included
 * (`unlocated`: the level's on hand less its located units).
 */
export async function readCandidates(work: UnitOfWork, key: LevelKey, unlocated: number): Promise<Candidate[]> {
  const org = work.tenant.organizationId;
  const { rows } = await sql<{
    location_id: string;
    code: string;
    type: string;
    lot_id: string | null;
    lot_number: string | null;
    expires_on: string | null;
    expired: boolean;
    free: number;
  }>`SELECT b.location_id, loc.code, loc.type, b.lot_id, lot.lot_number,
      to_char(lot.expires_on, 'YYYY-MM-DD') AS expires_on, coalesce(lot.expires_on < current_date, false) AS expired,
      b.quantity_on_hand - b.quantity_reserved AS free
    FROM stock_balances b
      JOIN locations loc ON loc.organization_id = b.organization_id AND loc.id = b.location_id
      LEFT JOIN lots lot ON lot.organization_id = b.organization_id AND lot.id = b.lot_id
    WHERE b.organization_id = ${org} AND b.warehouse_id = ${key.warehouseId} AND b.product_id = ${key.productId}
      AND b.quantity_on_hand > b.quantity_reserved`.execute(work.tx);
  const candidates: Candidate[] = rows.map((r) => ({
    locationId: r.location_id,
    locationCode: r.code,
    lotId: r.lot_id,
    lotNumber: r.lot_number,
    expiresOn: r.expires_on,
    expired: r.expired,
    state: stockStateOf(r.type),
    free: r.free,
  }));
  if (unlocated > 0) {
    candidates.push({
      locationId: key.warehouseId,
      locationCode: 'DEFAULT',
      lotId: null,
      lotNumber: null,
      expiresOn: null,
      expired: false,
      state: 'available',
      free: unlocated,
    });
  }
  return candidates.sort((a, b) => fefo(a, b, key));
}

/** First expiry first out; then the default location; then by location code and lot number. */
function fefo(a: Candidate, b: Candidate, key: LevelKey): number {
  if (a.expiresOn !== b.expiresOn) {
    if (a.expiresOn === null) return 1;
    if (b.expiresOn === null) return -1;
    return a.expiresOn < b.expiresOn ? -1 : 1;
  }
  const aDefault = a.locationId === key.warehouseId;
  const bDefault = b.locationId === key.warehouseId;
  if (aDefault !== bDefault) return aDefault ? -1 : 1;
  if (a.locationCode !== b.locationCode) return a.locationCode < b.locationCode ? -1 : 1;
  return (a.lotNumber ?? '') < (b.lotNumber ?? '') ? -1 : (a.lotNumber ?? '') > (b.lotNumber ?? '') ? 1 : 0;
}

/**
 * Takes `quantity` units from the candidates. Default choice: sellable, unexpired stock (of
 * `locationId` only when given), first expiry first. With `lots`: exactly the named lots (and
 * locations), expired ones only with `allowExpired`.
 * @returns the takes (merged per balance), and how many units could be found in all.
 * @throws AppError FAILED_PRECONDITION `LOT_EXPIRED`.
 */
export function chooseTakes(
  candidates: readonly Candidate[],
  quantity: number,
  options: {
    locationId?: string;
    lots?: readonly LotChoice[];
    allowExpired?: boolean;
    /** MoveStock takes from one location whatever its state, expired lots included. */
    anyState?: boolean;
  },
): { takes: Take[]; found: number } {
  const takes = new Map<string, Take>();
  let found = 0;
  const take = (c: Candidate, want: number) => {
    const id = `${c.locationId}/${c.lotId ?? ''}`;
    const already = takes.get(id)?.quantity ?? 0;
    const n = Math.min(want, c.free - already);
    if (n <= 0) return 0;
    takes.set(id, { ...c, quantity: already + n });
    return n;
  };
  const usable = (c: Candidate) =>
    (options.anyState || c.state === 'available') && (!options.locationId || c.locationId === options.locationId);
  if (options.lots && options.lots.length > 0) {
    for (const choice of options.lots) {
      let left = choice.quantity;
      for (const c of candidates) {
        if (left === 0) break;
        if (c.lotId !== choice.lotId || !usable(c)) continue;
        if (choice.locationId && c.locationId !== choice.locationId) continue;
        if (c.expired && !options.allowExpired) {
          throw failedPrecondition(
            'LOT_EXPIRED',
            `Lot ${c.lotNumber} expired on ${c.expiresOn}; set allow_expired to take it anyway.`,
            { lot_id: choice.lotId },
          );
        }
        left -= take(c, left);
      }
      found += choice.quantity - left;
    }
    return { takes: [...takes.values()], found };
  }
  let left = quantity;
  for (const c of candidates) {
    if (left === 0) break;
    if (!usable(c) || (c.expired && !options.anyState)) continue;
    left -= take(c, left);
  }
  found = quantity - left;
  return { takes: [...takes.values()], found };
}

import { failedPrecondition } from '../platform/errors.js';
import type { StatusText } from './mappers.js';

/**
 * The shipment lifecycle: pending → in transit → delivered, with exception and cancelled.
 * An exception can resume (in transit), end in delivery once dispatched, or be cancelled
 * while nothing has left. Dispatch (the stock effect of leaving) happens on the first move to
 * in transit, so a shipment that went pending → exception → in transit is dispatched then.
 */
const NEXT: Record<StatusText, readonly StatusText[]> = {
  pending: ['in_transit', 'exception', 'cancelled'],
  in_transit: ['delivered', 'exception'],
  exception: ['in_transit', 'delivered', 'cancelled'],
  delivered: [],
  cancelled: [],
};

/**
 * @throws AppError FAILED_PRECONDITION with reason ILLEGAL_STATUS_TRANSITION (metadata
 *   current_status, requested_status) unless `to` may follow `from` for a shipment that has
 *   (`dispatched`) or has not left yet.
 */
export function assertTransition(from: StatusText, to: StatusText, dispatched: boolean): void {
  const allowed =
    NEXT[from].includes(to) && !(to === 'delivered' && !dispatched) && !(to === 'cancelled' && dispatched);
  if (!allowed) {
    const why =
      to === 'cancelled' && dispatched
        ? ' (it has already been dispatched)'
        : to === 'delivered' && !dispatched
          ? ' (it was never dispatched)'
          : '';
    throw failedPrecondition('ILLEGAL_STATUS_TRANSITION', `A ${from} shipment cannot become ${to}${why}.`, {
      current_status: from,
      requested_status: to,
    });
  }
}

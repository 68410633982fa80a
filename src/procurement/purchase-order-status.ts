import { PurchaseOrderStatus } from '../../gen/ts/imsop/procurement/v1/resources.js';
import { enumMapping } from '../platform/enum-mapping.js';
import { failedPrecondition } from '../platform/errors.js';

/**
 * The purchase order state machine, in one place:
 *
 *   draft -> submitted -> approved -> partially_received -> received -> closed
 *   draft | submitted | approved -> cancelled
 *
 * (Receiving may also go straight from approved to received, when one receipt fills every line.)
 * Each action lists the states it may start from; anything else is refused naming the current
 * state, so a client can tell "already approved" from "cancelled meanwhile" without a re-read.
 */
export type PurchaseOrderState =
  'draft' | 'submitted' | 'approved' | 'partially_received' | 'received' | 'closed' | 'cancelled';

/** Orders placed with their supplier: approved and not cancelled, so their lines say something about it. */
export const PLACED_STATES: readonly PurchaseOrderState[] = ['approved', 'partially_received', 'received', 'closed'];

export type PurchaseOrderAction = 'update' | 'submit' | 'approve' | 'cancel' | 'close' | 'receive';

const ALLOWED_FROM: Record<PurchaseOrderAction, readonly PurchaseOrderState[]> = {
  update: ['draft'],
  submit: ['draft'],
  approve: ['submitted'],
  cancel: ['draft', 'submitted', 'approved'],
  close: ['received'],
  receive: ['approved', 'partially_received'],
};

const STATUS = enumMapping<PurchaseOrderState, PurchaseOrderStatus>(
  {
    draft: PurchaseOrderStatus.PURCHASE_ORDER_STATUS_DRAFT,
    submitted: PurchaseOrderStatus.PURCHASE_ORDER_STATUS_SUBMITTED,
    approved: PurchaseOrderStatus.PURCHASE_ORDER_STATUS_APPROVED,
    partially_received: PurchaseOrderStatus.PURCHASE_ORDER_STATUS_PARTIALLY_RECEIVED,
    received: PurchaseOrderStatus.PURCHASE_ORDER_STATUS_RECEIVED,
    closed: PurchaseOrderStatus.PURCHASE_ORDER_STATUS_CLOSED,
    cancelled: PurchaseOrderStatus.PURCHASE_ORDER_STATUS_CANCELLED,
  },
  PurchaseOrderStatus.PURCHASE_ORDER_STATUS_UNSPECIFIED,
);

export const statusToProto = STATUS.toProto;

/** The stored state of a proto status, or undefined for UNSPECIFIED and unknown numbers. */
export const statusFromProto = STATUS.fromProto;

/**
 * @throws AppError FAILED_PRECONDITION with reason `PURCHASE_ORDER_IS_<STATE>` (e.g.
 *   PURCHASE_ORDER_IS_CANCELLED) and metadata `status` / `action` when `action` cannot start
 *   from `current`.
 */
export function assertActionAllowed(current: string, action: PurchaseOrderAction): void {
  if ((ALLOWED_FROM[action] as readonly string[]).includes(current)) return;
  // `current` is a stored status: one of the states (the column's check constraint).
  const state = current.toUpperCase() as Uppercase<PurchaseOrderState>;
  const allowed = ALLOWED_FROM[action].map((s) => s.toUpperCase()).join(', ');
  throw failedPrecondition(
    `PURCHASE_ORDER_IS_${state}`,
    `The purchase order is ${state}; ${action} is only possible when it is ${allowed}.`,
    { status: state, action },
  );
}

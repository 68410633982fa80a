/**
 * The resource types of identity, procurement and shipments (spread into CHANGE_RESOURCE_TYPES;
 * kept apart from inventory's so the two lists grow without stepping on each other).
 */
const IDENTITY_PROCUREMENT_SHIPMENT_RESOURCE_TYPES = {
  organization: { message: 'imsop.identity.v1.Organization', readPermission: 'identity.organizations:read' },
  user: { message: 'imsop.identity.v1.User', readPermission: 'identity.users:read' },
  role: { message: 'imsop.identity.v1.Role', readPermission: 'identity.roles:read' },
  api_key: { message: 'imsop.identity.v1.ApiKey', readPermission: 'identity.api_keys:read' },
  supplier: { message: 'imsop.procurement.v1.Supplier', readPermission: 'procurement.suppliers:read' },
  purchase_order: {
    message: 'imsop.procurement.v1.PurchaseOrder',
    readPermission: 'procurement.purchase_orders:read',
  },
  receipt: { message: 'imsop.procurement.v1.Receipt', readPermission: 'procurement.purchase_orders:read' },
  shipment: { message: 'imsop.shipments.v1.Shipment', readPermission: 'shipments.shipments:read' },
} as const satisfies Record<string, { message: string; readPermission: string }>;

/**
 * The resource types and event types of the change feed (`change_events`, the `imsop.events.v1`
 * contracts). A resource type names the proto message its events carry in `resource` and the
 * permission that reading it takes: a subscriber sees only the events of resource types it may
 * read (WatchChanges, ListChanges, webhooks). Permissions are named as strings here (the
 * catalogue of permissions is identity's; the platform imports no domain).
 *
 * docs/change-events.md documents every event type; test/change-feed-catalogue.test.ts keeps the
 * two in step.
 */
export const CHANGE_RESOURCE_TYPES = {
  ...IDENTITY_PROCUREMENT_SHIPMENT_RESOURCE_TYPES,
  product: { message: 'imsop.inventory.v1.Product', readPermission: 'inventory.products:read' },
  warehouse: { message: 'imsop.inventory.v1.Warehouse', readPermission: 'inventory.warehouses:read' },
  stock_level: { message: 'imsop.inventory.v1.StockLevel', readPermission: 'inventory.stock:read' },
  reservation: { message: 'imsop.inventory.v1.Reservation', readPermission: 'inventory.stock:read' },
  inventory_transaction: { message: 'imsop.inventory.v1.InventoryTransaction', readPermission: 'inventory.stock:read' },
} as const satisfies Record<string, { message: string; readPermission: string }>;

export type ChangeResourceType = keyof typeof CHANGE_RESOURCE_TYPES;

/** What an event type is about and what it means (the one-line story docs/change-events.md tells). */
export interface ChangeEventTypeInfo {
  readonly resourceType: ChangeResourceType;
  readonly changeKind: 'created' | 'updated' | 'deleted' | 'event';
  readonly description: string;
}

/**
 * The event types of identity, procurement and shipments (spread into CHANGE_EVENT_TYPES; kept
 * apart from inventory's so the two lists grow without stepping on each other).
 */
const IDENTITY_PROCUREMENT_SHIPMENT_EVENT_TYPES = {
  'organization.created': {
    resourceType: 'organization',
    changeKind: 'created',
    description: 'The platform operator created the organization (imsop org create).',
  },
  'organization.updated': {
    resourceType: 'organization',
    changeKind: 'updated',
    description: 'The organization was changed (changed_fields lists what), by an admin or the operator (its tier).',
  },
  'user.created': { resourceType: 'user', changeKind: 'created', description: 'A user was created.' },
  'user.updated': {
    resourceType: 'user',
    changeKind: 'updated',
    description: 'A user was changed: email, display name, or roles (role_ids: assigned, unassigned, role deleted).',
  },
  'user.deactivated': {
    resourceType: 'user',
    changeKind: 'event',
    description: 'A user was deactivated; their sessions ended.',
  },
  'user.reactivated': { resourceType: 'user', changeKind: 'event', description: 'A user was reactivated.' },
  'user.password_reset': {
    resourceType: 'user',
    changeKind: 'event',
    description: "An administrator set a user's password; their sessions ended (the password is never in an event).",
  },
  'user.password_changed': {
    resourceType: 'user',
    changeKind: 'event',
    description: 'A user changed their own password; their sessions ended (the password is never in an event).',
  },
  'role.created': { resourceType: 'role', changeKind: 'created', description: 'A role was created.' },
  'role.updated': {
    resourceType: 'role',
    changeKind: 'updated',
    description: 'A role was changed: name, description, or permissions granted or revoked.',
  },
  'role.deleted': { resourceType: 'role', changeKind: 'deleted', description: 'A role was deleted.' },
  'api_key.created': {
    resourceType: 'api_key',
    changeKind: 'created',
    description: 'An API key was created (never its secret, nor its hint).',
  },
  'api_key.revoked': { resourceType: 'api_key', changeKind: 'event', description: 'An API key was revoked.' },
  'supplier.created': { resourceType: 'supplier', changeKind: 'created', description: 'A supplier was created.' },
  'supplier.updated': {
    resourceType: 'supplier',
    changeKind: 'updated',
    description: 'A supplier was changed (changed_fields lists what).',
  },
  'supplier.deactivated': {
    resourceType: 'supplier',
    changeKind: 'event',
    description: 'A supplier was deactivated: no new orders.',
  },
  'supplier.reactivated': {
    resourceType: 'supplier',
    changeKind: 'event',
    description: 'A supplier was reactivated.',
  },
  'purchase_order.created': {
    resourceType: 'purchase_order',
    changeKind: 'created',
    description: 'A purchase order was created (DRAFT).',
  },
  'purchase_order.updated': {
    resourceType: 'purchase_order',
    changeKind: 'updated',
    description: 'A DRAFT purchase order was changed (changed_fields lists what).',
  },
  'purchase_order.submitted': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description: 'A purchase order was submitted for approval.',
  },
  'purchase_order.approved': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description: 'A purchase order was approved: placed with its supplier.',
  },
  'purchase_order.cancelled': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description: 'A purchase order was cancelled.',
  },
  'purchase_order.closed': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description: 'A received purchase order was closed.',
  },
  'purchase_order.partially_received': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description: 'Goods were received against a purchase order; some lines are still open.',
  },
  'purchase_order.received': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description: 'The receipt that completes every line of a purchase order.',
  },
  'purchase_order.late': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description: 'Threshold, once per order: an open line of a placed order is past its expected date.',
  },
  'receipt.created': {
    resourceType: 'receipt',
    changeKind: 'created',
    description: 'Goods were received against a purchase order (the receipt and its lines).',
  },
  'shipment.created': { resourceType: 'shipment', changeKind: 'created', description: 'A shipment was created.' },
  'shipment.dispatched': {
    resourceType: 'shipment',
    changeKind: 'event',
    description: 'A shipment left: its first move to IN_TRANSIT.',
  },
  'shipment.in_transit': {
    resourceType: 'shipment',
    changeKind: 'event',
    description: 'A dispatched shipment is moving again after an exception.',
  },
  'shipment.delivered': { resourceType: 'shipment', changeKind: 'event', description: 'A shipment was delivered.' },
  'shipment.exception': {
    resourceType: 'shipment',
    changeKind: 'event',
    description: 'A shipment ran into an exception (status_reason says which).',
  },
  'shipment.cancelled': {
    resourceType: 'shipment',
    changeKind: 'event',
    description: 'A shipment was cancelled before it left.',
  },
  'shipment.delayed': {
    resourceType: 'shipment',
    changeKind: 'event',
    description: 'Threshold, once per shipment: its expected delivery time passed before it was delivered.',
  },
} as const satisfies Record<string, ChangeEventTypeInfo>;

/**
 * Every event type the service records. '<resource_type>.created|updated|deleted' for plain
 * changes (updated carries the changed field paths), a domain event name otherwise.
 */
export const CHANGE_EVENT_TYPES = {
  ...IDENTITY_PROCUREMENT_SHIPMENT_EVENT_TYPES,
  'product.created': { resourceType: 'product', changeKind: 'created', description: 'A product was created.' },
  'product.updated': {
    resourceType: 'product',
    changeKind: 'updated',
    description: 'A product was changed (changed_fields lists what); archiving sets status.',
  },
  'warehouse.created': { resourceType: 'warehouse', changeKind: 'created', description: 'A warehouse was created.' },
  'warehouse.updated': {
    resourceType: 'warehouse',
    changeKind: 'updated',
    description: 'A warehouse was changed (changed_fields lists what); deactivating sets status.',
  },
  'stock_level.updated': {
    resourceType: 'stock_level',
    changeKind: 'updated',
    description:
      'A stock level changed: its quantities by a movement (receive, issue, adjust, transfer, reserve, release, fulfil, expiry) or its reorder settings.',
  },
  'stock.received': {
    resourceType: 'inventory_transaction',
    changeKind: 'event',
    description: 'Stock was received into a warehouse (a ledger row; resource is the transaction).',
  },
  'stock.issued': {
    resourceType: 'inventory_transaction',
    changeKind: 'event',
    description: 'Stock was issued from a warehouse.',
  },
  'stock.adjusted': {
    resourceType: 'inventory_transaction',
    changeKind: 'event',
    description: 'Stock was adjusted (a count, damage, loss...).',
  },
  'stock.transferred': {
    resourceType: 'inventory_transaction',
    changeKind: 'event',
    description: 'Stock moved between warehouses (one event per side: transfer_out and transfer_in).',
  },
  'stock.reserved': {
    resourceType: 'reservation',
    changeKind: 'event',
    description: 'Stock was reserved (resource is the new reservation).',
  },
  'reservation.released': {
    resourceType: 'reservation',
    changeKind: 'event',
    description: 'A reservation was released; its quantity is available again.',
  },
  'reservation.fulfilled': {
    resourceType: 'reservation',
    changeKind: 'event',
    description: 'A reservation was fulfilled; its quantity left the warehouse.',
  },
  'reservation.expired': {
    resourceType: 'reservation',
    changeKind: 'event',
    description: 'A reservation passed its expiry time and was released by the service.',
  },
  'stock.low': {
    resourceType: 'stock_level',
    changeKind: 'event',
    description: 'Available stock fell below the reorder point (it was at or above it before the change).',
  },
  'stock.out': {
    resourceType: 'stock_level',
    changeKind: 'event',
    description: 'Available stock fell to zero (it was above zero before the change).',
  },
  'stock.back_in': {
    resourceType: 'stock_level',
    changeKind: 'event',
    description: 'Available stock rose above zero again (it was zero before the change).',
  },
} as const satisfies Record<string, ChangeEventTypeInfo>;

export type ChangeEventType = keyof typeof CHANGE_EVENT_TYPES;

/** True for a resource type of the catalogue. */
export const isChangeResourceType = (value: string): value is ChangeResourceType =>
  Object.hasOwn(CHANGE_RESOURCE_TYPES, value);

/** True for an event type of the catalogue. */
export const isChangeEventType = (value: string): value is ChangeEventType => Object.hasOwn(CHANGE_EVENT_TYPES, value);

/** The permission reading events of `resourceType` takes. */
export const readPermissionOf = (resourceType: ChangeResourceType): string =>
  CHANGE_RESOURCE_TYPES[resourceType].readPermission;

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
 * The resource types of inventory's depth (issue 20: locations, lots, balances below a level;
 * spread into CHANGE_RESOURCE_TYPES). Locations are read with the warehouses, lots and balances
 * with the stock.
 */
const INVENTORY_DEPTH_RESOURCE_TYPES = {
  location: { message: 'imsop.inventory.v1.Location', readPermission: 'inventory.warehouses:read' },
  lot: { message: 'imsop.inventory.v1.Lot', readPermission: 'inventory.stock:read' },
  stock_balance: { message: 'imsop.inventory.v1.StockBalance', readPermission: 'inventory.stock:read' },
  cycle_count: { message: 'imsop.inventory.v1.CycleCount', readPermission: 'inventory.stock:read' },
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
  webhook_subscription: { message: 'imsop.events.v1.WebhookSubscription', readPermission: 'events.webhooks:manage' },
  ...INVENTORY_DEPTH_RESOURCE_TYPES,
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
    description:
      'The platform operator created the organization (`imsop org create`); its system roles and first admin follow as `role.created` and `user.created` in the same transaction.',
  },
  'organization.updated': {
    resourceType: 'organization',
    changeKind: 'updated',
    description: "UpdateOrganization, or the operator's `imsop org set-tier` (`subscription_tier`).",
  },
  'user.created': {
    resourceType: 'user',
    changeKind: 'created',
    description: 'CreateUser, or the first admin of a new organization.',
  },
  'user.updated': {
    resourceType: 'user',
    changeKind: 'updated',
    description:
      "UpdateUser; AssignUserRole or UnassignUserRole that changed the user's roles (`role_ids`); DeleteRole, for each user who held the role (`role_ids`).",
  },
  'user.deactivated': {
    resourceType: 'user',
    changeKind: 'event',
    description: 'DeactivateUser of an active user; their sessions end.',
  },
  'user.reactivated': {
    resourceType: 'user',
    changeKind: 'event',
    description: 'ReactivateUser of an inactive user.',
  },
  'user.password_reset': {
    resourceType: 'user',
    changeKind: 'event',
    description: "ResetUserPassword: an administrator set the user's password; their sessions end.",
  },
  'user.password_changed': {
    resourceType: 'user',
    changeKind: 'event',
    description: 'ChangePassword: the user changed their own password; their sessions end.',
  },
  'role.created': {
    resourceType: 'role',
    changeKind: 'created',
    description: 'CreateRole, or each system role of a new organization.',
  },
  'role.updated': {
    resourceType: 'role',
    changeKind: 'updated',
    description: "UpdateRole; GrantRolePermissions or RevokeRolePermissions that changed the role's `permissions`.",
  },
  'role.deleted': {
    resourceType: 'role',
    changeKind: 'deleted',
    description: 'DeleteRole.',
  },
  'api_key.created': {
    resourceType: 'api_key',
    changeKind: 'created',
    description: 'CreateApiKey.',
  },
  'api_key.revoked': {
    resourceType: 'api_key',
    changeKind: 'event',
    description: 'RevokeApiKey of a key not yet revoked.',
  },
  'supplier.created': {
    resourceType: 'supplier',
    changeKind: 'created',
    description: "CreateSupplier, or the demo data's supplier.",
  },
  'supplier.updated': {
    resourceType: 'supplier',
    changeKind: 'updated',
    description: 'UpdateSupplier.',
  },
  'supplier.deactivated': {
    resourceType: 'supplier',
    changeKind: 'event',
    description: 'DeactivateSupplier of an active supplier: no new orders.',
  },
  'supplier.reactivated': {
    resourceType: 'supplier',
    changeKind: 'event',
    description: 'ReactivateSupplier of an inactive supplier.',
  },
  'purchase_order.created': {
    resourceType: 'purchase_order',
    changeKind: 'created',
    description: 'CreatePurchaseOrder (a DRAFT).',
  },
  'purchase_order.updated': {
    resourceType: 'purchase_order',
    changeKind: 'updated',
    description: 'UpdatePurchaseOrder of a DRAFT.',
  },
  'purchase_order.submitted': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description: 'SubmitPurchaseOrder: DRAFT to SUBMITTED.',
  },
  'purchase_order.approved': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description: 'ApprovePurchaseOrder: SUBMITTED to APPROVED, placed with the supplier.',
  },
  'purchase_order.cancelled': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description: 'CancelPurchaseOrder: DRAFT, SUBMITTED or APPROVED to CANCELLED.',
  },
  'purchase_order.closed': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description: 'ClosePurchaseOrder: RECEIVED to CLOSED.',
  },
  'purchase_order.partially_received': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description:
      'A receipt (ReceivePurchaseOrder, or the delivery of an inbound shipment naming the order) that leaves a line short: PARTIALLY_RECEIVED.',
  },
  'purchase_order.received': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description: 'The receipt that completes every line: RECEIVED.',
  },
  'purchase_order.late': {
    resourceType: 'purchase_order',
    changeKind: 'event',
    description:
      "Threshold, once per order, by the system's sweep (PURCHASE_ORDER_LATE_SWEEP_INTERVAL_MS): an APPROVED or PARTIALLY_RECEIVED order has an open line whose expected date (a UTC day) is over.",
  },
  'receipt.created': {
    resourceType: 'receipt',
    changeKind: 'created',
    description: "Every receipt, with the order's `purchase_order.received` or `purchase_order.partially_received`.",
  },
  'shipment.created': {
    resourceType: 'shipment',
    changeKind: 'created',
    description: 'CreateShipment.',
  },
  'shipment.dispatched': {
    resourceType: 'shipment',
    changeKind: 'event',
    description:
      'The first move to IN_TRANSIT (UpdateShipmentStatus, or a tracking update carrying the status): the goods leave.',
  },
  'shipment.in_transit': {
    resourceType: 'shipment',
    changeKind: 'event',
    description: 'Back to IN_TRANSIT after an EXCEPTION, once dispatched.',
  },
  'shipment.delivered': {
    resourceType: 'shipment',
    changeKind: 'event',
    description: 'DELIVERED: stock arrives (a transfer at its destination, an inbound shipment against its order).',
  },
  'shipment.exception': {
    resourceType: 'shipment',
    changeKind: 'event',
    description: 'EXCEPTION; `status_reason` says why.',
  },
  'shipment.cancelled': {
    resourceType: 'shipment',
    changeKind: 'event',
    description: 'CANCELLED, before it left.',
  },
  'shipment.delayed': {
    resourceType: 'shipment',
    changeKind: 'event',
    description:
      "Threshold, once per shipment, by the system's sweep (SHIPMENT_DELAY_SWEEP_INTERVAL_MS): its expected delivery time passed and it is neither delivered nor cancelled.",
  },
} as const satisfies Record<string, ChangeEventTypeInfo>;

/** The event types of inventory's depth (spread into CHANGE_EVENT_TYPES). */
const INVENTORY_DEPTH_EVENT_TYPES = {
  'location.created': {
    resourceType: 'location',
    changeKind: 'created',
    description:
      "CreateLocation, or a warehouse's default location, created with the warehouse (after its `warehouse.created`).",
  },
  'location.updated': {
    resourceType: 'location',
    changeKind: 'updated',
    description: 'DeactivateLocation of an active, empty location (`status`).',
  },
  'lot.created': {
    resourceType: 'lot',
    changeKind: 'created',
    description:
      "CreateLot, or a receipt (ReceiveStock, a purchase order receipt) naming a lot number the product did not have yet, before the receipt's stock events.",
  },
  'stock.moved': {
    resourceType: 'inventory_transaction',
    changeKind: 'event',
    description:
      'MoveStock: stock moved between two locations of one warehouse (one event per ledger row: move_in and move_out, per lot).',
  },
  'stock_balance.updated': {
    resourceType: 'stock_balance',
    changeKind: 'updated',
    description:
      "A balance below a level changed (stock in a location other than the warehouse's default one, or of a lot): each balance a movement touched, with the level's `stock_level.updated`. The default location's untracked stock is the level's and has no balance events.",
  },
  'lot.expired': {
    resourceType: 'lot',
    changeKind: 'event',
    description:
      "Threshold, once per lot, by the system's expiry task (LOT_EXPIRY_INTERVAL_MS): the lot's expiry date passed; its available stock was moved to the warehouse's hold location first (`stock.moved`, with a `location.created` when the task made that location).",
  },
  'cycle_count.created': {
    resourceType: 'cycle_count',
    changeKind: 'created',
    description: 'StartCycleCount: a count of one location, with the snapshot of what the books say is there.',
  },
  'cycle_count.updated': {
    resourceType: 'cycle_count',
    changeKind: 'updated',
    description: 'RecordCycleCountEntries: counted quantities entered (`lines`).',
  },
  'cycle_count.posted': {
    resourceType: 'cycle_count',
    changeKind: 'event',
    description:
      'PostCycleCount: every variance became a `stock.adjusted` (with its level and balance events) and every counted balance got its `last_counted_time` (a `stock_balance.updated`), recorded before this one.',
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
      'A stock level changed: its quantities by a movement (receive, issue, adjust, transfer, move between locations, reserve, release, fulfil, expiry), of any of its balances, or its reorder settings.',
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
    description:
      'The level turned low: available stock fell to the reorder point or below (low_stock became true), from above it.',
  },
  'stock.out': {
    resourceType: 'stock_level',
    changeKind: 'event',
    description: 'Available stock fell to zero, from above zero.',
  },
  'stock.back_in': {
    resourceType: 'stock_level',
    changeKind: 'event',
    description: "Available stock rose above zero, from zero (also a level's first stock).",
  },
  'webhook.disabled': {
    resourceType: 'webhook_subscription',
    changeKind: 'event',
    description:
      'The webhook dispatcher disabled a subscription after its configured run of consecutive failed deliveries (resource: the subscription, never its secret).',
  },
  ...INVENTORY_DEPTH_EVENT_TYPES,
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

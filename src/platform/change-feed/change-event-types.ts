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
  product: { message: 'imsop.inventory.v1.Product', readPermission: 'inventory.products:read' },
  warehouse: { message: 'imsop.inventory.v1.Warehouse', readPermission: 'inventory.warehouses:read' },
  stock_level: { message: 'imsop.inventory.v1.StockLevel', readPermission: 'inventory.stock:read' },
  reservation: { message: 'imsop.inventory.v1.Reservation', readPermission: 'inventory.stock:read' },
  inventory_transaction: { message: 'imsop.inventory.v1.InventoryTransaction', readPermission: 'inventory.stock:read' },
  webhook_subscription: { message: 'imsop.events.v1.WebhookSubscription', readPermission: 'events.webhooks:manage' },
} as const satisfies Record<string, { message: string; readPermission: string }>;

export type ChangeResourceType = keyof typeof CHANGE_RESOURCE_TYPES;

/** What an event type is about and what it means (the one-line story docs/change-events.md tells). */
export interface ChangeEventTypeInfo {
  readonly resourceType: ChangeResourceType;
  readonly changeKind: 'created' | 'updated' | 'deleted' | 'event';
  readonly description: string;
}

/**
 * Every event type the service records. '<resource_type>.created|updated|deleted' for plain
 * changes (updated carries the changed field paths), a domain event name otherwise.
 */
export const CHANGE_EVENT_TYPES = {
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

import type { DB } from '../gen/db/schema.js';

/** Who may own a table: a domain, or the platform (tenancy, idempotency, the outbox). */
export type TableOwner = 'identity' | 'inventory' | 'procurement' | 'shipments' | 'analytics' | 'webhooks' | 'platform';

/**
 * The owner of every table of the schema (gen/db/schema.ts), each exactly once: the type makes a
 * new table without an owner a compile error. Only the owner's source files name a table in SQL
 * (src/<domain>/ for a domain, src/platform/ for the platform); everyone else asks the owner
 * through its public face or a port. An archive table belongs to the owner of its live table.
 * test/table-ownership.test.ts enforces it.
 */
export const TABLE_OWNERS = {
  organizations: 'identity',
  users: 'identity',
  roles: 'identity',
  permissions: 'identity',
  role_permissions: 'identity',
  user_roles: 'identity',
  access_tokens: 'identity',
  api_keys: 'identity',
  audit_log: 'identity',

  products: 'inventory',
  warehouses: 'inventory',
  inventory: 'inventory',
  reservations: 'inventory',
  inventory_transactions: 'inventory',
  locations: 'inventory',
  lots: 'inventory',
  serial_numbers: 'inventory',
  stock_balances: 'inventory',
  reservation_allocations: 'inventory',
  cycle_counts: 'inventory',
  cycle_count_lines: 'inventory',
  inventory_transaction_serials: 'inventory',

  suppliers: 'procurement',
  purchase_order_counters: 'procurement',
  purchase_orders: 'procurement',
  purchase_order_items: 'procurement',
  receipts: 'procurement',
  receipt_lines: 'procurement',
  'archive.purchase_orders': 'procurement',
  'archive.purchase_order_items': 'procurement',
  'archive.receipts': 'procurement',
  'archive.receipt_lines': 'procurement',

  shipments: 'shipments',
  shipment_items: 'shipments',
  shipment_tracking: 'shipments',
  'archive.shipment_tracking': 'shipments',

  analytics_metrics: 'analytics',
  maintenance_runs: 'analytics',

  webhook_subscriptions: 'webhooks',
  webhook_deliveries: 'webhooks',

  request_idempotency: 'platform',
  // The transactional outbox (src/platform/outbox/): every domain records its events here.
  analytics_events: 'platform',
  'archive.analytics_events': 'platform',
  // The change feed (src/platform/change-feed/): every domain records its changes here.
  change_events: 'platform',
  // How far the NATS relay got (src/platform/event-relay/), one row per stream.
  change_event_relays: 'platform',
} as const satisfies Record<keyof DB, TableOwner>;

/**
 * Tables another part reads directly in SQL, by declaration; reads only (selects and joins),
 * every write goes through the owner. Analytics is the outbox's reader: ListEvents pages the
 * events with its own filters and indexes (a read of the platform's table, not a domain's).
 * Webhooks find a change event's position by its id, on its primary key.
 */
export const DECLARED_READERS: Partial<Record<keyof DB, readonly TableOwner[]>> = {
  analytics_events: ['analytics'],
  // Webhooks look one event up by id (RedeliverEvent); the feed's reading API reads it.
  change_events: ['webhooks'],
};

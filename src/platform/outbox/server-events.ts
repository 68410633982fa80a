/**
 * The event types the service writes itself (source 'server'), each with the kind of entity it
 * is about. Domains record them with recordEvent inside the transaction of the action. Their
 * namespaces are reserved: clients cannot send events that would pass for the service's own.
 */
export const SERVER_EVENTS = {
  'inventory.stock_moved': 'product',
  'inventory.reservation_created': 'reservation',
  'inventory.reservation_expired': 'reservation',
  // A lot passed its expiry date (src/inventory/lot-expiry.ts); its available stock went on hold.
  'inventory.lot_expired': 'lot',
  'procurement.purchase_order_submitted': 'purchase_order',
  'procurement.purchase_order_received': 'purchase_order',
  'shipments.shipment_dispatched': 'shipment',
  'shipments.shipment_delivered': 'shipment',
  'shipments.shipment_exception': 'shipment',
  'identity.login': 'user',
} as const satisfies Record<string, string>;

export type ServerEventType = keyof typeof SERVER_EVENTS;

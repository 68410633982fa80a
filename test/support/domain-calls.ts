import { ListEventsRequest } from '../../gen/ts/imsop/analytics/v1/event_service.js';
import { CreateWarehouseRequest, ListWarehousesRequest } from '../../gen/ts/imsop/inventory/v1/warehouse_service.js';
import { ListSuppliersRequest } from '../../gen/ts/imsop/procurement/v1/supplier_service.js';
import { ListShipmentsRequest } from '../../gen/ts/imsop/shipments/v1/shipment_service.js';
import { bearer, unary } from './grpc.js';
import { clientsFor } from './server.js';

/**
 * Signs in and makes one call in each domain (identity, inventory with a write, procurement,
 * shipments, analytics) against a server at `address`; returns what a user would see of each.
 */
export async function callEachDomain(address: string, login: { organization: string; email: string; password: string }) {
  const c = clientsFor(address);
  try {
    const { accessToken } = await unary(c.auth.login.bind(c.auth), login);
    const md = bearer(accessToken);
    const me = await unary(c.auth.whoAmI.bind(c.auth), {}, md);
    const created = await unary(c.warehouses.createWarehouse.bind(c.warehouses), CreateWarehouseRequest.fromPartial({ warehouse: { code: 'MAIN', name: 'Main warehouse' } }), md);
    const warehouses = await unary(c.warehouses.listWarehouses.bind(c.warehouses), ListWarehousesRequest.fromPartial({}), md);
    const suppliers = await unary(c.suppliers.listSuppliers.bind(c.suppliers), ListSuppliersRequest.fromPartial({}), md);
    const shipments = await unary(c.shipments.listShipments.bind(c.shipments), ListShipmentsRequest.fromPartial({}), md);
    const events = await unary(c.events.listEvents.bind(c.events), ListEventsRequest.fromPartial({}), md);
    return {
      roles: me.roles,
      createdWarehouse: created.warehouse?.code,
      warehouses: warehouses.warehouses.map((w) => w.code),
      suppliers: suppliers.suppliers.length,
      shipments: shipments.shipments.length,
      eventTypes: events.events.map((e) => e.eventType),
    };
  } finally {
    for (const client of Object.values(c)) client.close();
  }
}

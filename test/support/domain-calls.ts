import { createImsopClient } from './sdk.js';

/**
 * Signs in and makes one call in each domain (identity, inventory with a write, procurement,
 * shipments, analytics) against a server at `address` (one this test did not start in-process),
 * through the SDK; returns what a user would see of each.
 */
export async function callEachDomain(
  address: string,
  login: { organization: string; email: string; password: string },
) {
  // No retries: each answer as the server gave it; a deadline a loaded machine can meet.
  const imsop = createImsopClient({ address, maxAttempts: 1, defaultDeadlineMs: 60_000 });
  try {
    const { accessToken } = await imsop.auth.login(login);
    imsop.setCredential(accessToken);
    const me = await imsop.auth.whoAmI({});
    const created = await imsop.warehouses.createWarehouse({ warehouse: { code: 'MAIN', name: 'Main warehouse' } });
    const warehouses = await imsop.warehouses.listWarehouses({});
    const suppliers = await imsop.suppliers.listSuppliers({});
    const shipments = await imsop.shipments.listShipments({});
    const events = await imsop.events.listEvents({});
    return {
      roles: me.roles,
      createdWarehouse: created.warehouse?.code,
      warehouses: warehouses.warehouses.map((w) => w.code),
      suppliers: suppliers.suppliers.length,
      shipments: shipments.shipments.length,
      eventTypes: events.events.map((e) => e.eventType),
    };
  } finally {
    imsop.close();
  }
}

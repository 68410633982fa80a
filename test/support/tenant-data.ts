import { shipments, type ImsopClient } from './sdk.js';

/**
 * Gives an organization a little of everything through the public API (users, roles, API keys,
 * and each domain's resources), so isolation checks have real rows to look for. Each domain adds
 * its part here.
 */
export async function seedTenantData(imsop: ImsopClient, tag: string): Promise<void> {
  const user = await imsop.users.createUser({
    email: `member-${tag}@${tag}.tenant.test`,
    displayName: `Member ${tag}`,
    password: 'member-password-1',
  });
  const role = await imsop.roles.createRole({
    name: `auditors-${tag}`,
    description: `Auditors of ${tag}`,
    permissions: ['identity.audit:read'],
  });
  await imsop.roles.assignUserRole({ userId: user.user!.id, roleId: role.role!.id });
  await imsop.apiKeys.createApiKey({ name: `key-${tag}`, roleId: role.role!.id });

  // Inventory: two warehouses, a product with stock in both, a transfer and a reservation.
  const code = tag.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const [w1, w2] = await Promise.all(
    [1, 2].map(
      async (n) =>
        (
          await imsop.warehouses.createWarehouse({
            warehouse: { code: `WH-${code}-${n}`, name: `Warehouse ${tag} ${n}`, managerUserId: user.user!.id },
          })
        ).warehouse!,
    ),
  );
  const product = (
    await imsop.products.createProduct({
      product: {
        sku: `SKU-${code}-1`,
        name: `Product of ${tag}`,
        unitCost: { currencyCode: 'EUR', units: 3, nanos: 500_000_000 },
        reorderPoint: 5,
      },
    })
  ).product!;
  await imsop.stock.receiveStock({
    warehouseId: w1!.id,
    productId: product.id,
    quantity: 40,
    reference: `receipt ${tag}`,
  });
  await imsop.stock.transferStock({
    sourceWarehouseId: w1!.id,
    destinationWarehouseId: w2!.id,
    productId: product.id,
    quantity: 10,
  });
  await imsop.stock.reserveStock({
    warehouseId: w1!.id,
    productId: product.id,
    quantity: 3,
    reference: `order ${tag}`,
  });

  // Procurement: a supplier and a purchase order taken through approval and a partial receipt.
  const supplier = (
    await imsop.suppliers.createSupplier({
      supplier: { name: `Supplier of ${tag}`, email: `sales@${tag}.supplier.test` },
    })
  ).supplier!;
  const created = (
    await imsop.purchaseOrders.createPurchaseOrder({
      purchaseOrder: {
        supplierId: supplier.id,
        currencyCode: 'EUR',
        items: [{ productId: product.id, quantityOrdered: 20, unitPrice: { currencyCode: 'EUR', units: 3, nanos: 0 } }],
      },
    })
  ).purchaseOrder!;
  const submitted = (await imsop.purchaseOrders.submitPurchaseOrder({ id: created.id })).purchaseOrder!;
  const approved = (await imsop.purchaseOrders.approvePurchaseOrder({ id: submitted.id })).purchaseOrder!;
  await imsop.purchaseOrders.receivePurchaseOrder({
    id: approved.id,
    warehouseId: w2!.id,
    lines: [{ purchaseOrderItemId: approved.items[0]!.id, quantity: 5 }],
  });

  // Shipments: a transfer between the two warehouses with a tracking point.
  const shipment = (
    await imsop.shipments.createShipment({
      type: shipments.ShipmentType.SHIPMENT_TYPE_TRANSFER,
      carrier: 'DHL',
      trackingNumber: `TRK-${code}-1`,
      originWarehouseId: w1!.id,
      destinationWarehouseId: w2!.id,
      items: [{ productId: product.id, quantity: 2 }],
    })
  ).shipment!;
  await imsop.tracking.recordTrackingUpdate({
    update: {
      updateId: `upd-${tag}-1`,
      shipmentId: shipment.id,
      location: `Depot of ${tag}`,
      position: { latitude: 52.5, longitude: 13.4 },
      eventTime: new Date(),
    },
  });
}

import { HealthDefinition } from '../gen/grpc/health/v1/health.js';
import { EventServiceDefinition } from '../gen/imsop/analytics/v1/event_service.js';
import { MetricServiceDefinition } from '../gen/imsop/analytics/v1/metric_service.js';
import { ChangeFeedServiceDefinition } from '../gen/imsop/events/v1/change_feed_service.js';
import { ApiKeyServiceDefinition } from '../gen/imsop/identity/v1/api_key_service.js';
import { AuditServiceDefinition } from '../gen/imsop/identity/v1/audit_service.js';
import { AuthServiceDefinition } from '../gen/imsop/identity/v1/auth_service.js';
import { OrganizationServiceDefinition } from '../gen/imsop/identity/v1/organization_service.js';
import { RoleServiceDefinition } from '../gen/imsop/identity/v1/role_service.js';
import { UserServiceDefinition } from '../gen/imsop/identity/v1/user_service.js';
import { CycleCountServiceDefinition } from '../gen/imsop/inventory/v1/cycle_count_service.js';
import { LocationServiceDefinition } from '../gen/imsop/inventory/v1/location_service.js';
import { LotServiceDefinition } from '../gen/imsop/inventory/v1/lot_service.js';
import { ProductServiceDefinition } from '../gen/imsop/inventory/v1/product_service.js';
import { StockServiceDefinition } from '../gen/imsop/inventory/v1/stock_service.js';
import { WarehouseServiceDefinition } from '../gen/imsop/inventory/v1/warehouse_service.js';
import { PurchaseOrderServiceDefinition } from '../gen/imsop/procurement/v1/purchase_order_service.js';
import { SupplierServiceDefinition } from '../gen/imsop/procurement/v1/supplier_service.js';
import { ShipmentServiceDefinition } from '../gen/imsop/shipments/v1/shipment_service.js';
import { TrackingServiceDefinition } from '../gen/imsop/shipments/v1/tracking_service.js';
import { WebhookServiceDefinition } from '../gen/imsop/events/v1/webhook_service.js';

/**
 * Every service the SDK exposes, under the property name clients use
 * (`imsop.auth.login(...)`). A new service is one line here; a test checks that every service
 * in the descriptors is listed.
 */
export const SERVICES = {
  health: HealthDefinition,
  auth: AuthServiceDefinition,
  organizations: OrganizationServiceDefinition,
  users: UserServiceDefinition,
  roles: RoleServiceDefinition,
  apiKeys: ApiKeyServiceDefinition,
  audit: AuditServiceDefinition,
  products: ProductServiceDefinition,
  warehouses: WarehouseServiceDefinition,
  stock: StockServiceDefinition,
  locations: LocationServiceDefinition,
  lots: LotServiceDefinition,
  cycleCounts: CycleCountServiceDefinition,
  suppliers: SupplierServiceDefinition,
  purchaseOrders: PurchaseOrderServiceDefinition,
  shipments: ShipmentServiceDefinition,
  tracking: TrackingServiceDefinition,
  events: EventServiceDefinition,
  metrics: MetricServiceDefinition,
  changes: ChangeFeedServiceDefinition,
  webhooks: WebhookServiceDefinition,
} as const;

export type ServiceKey = keyof typeof SERVICES;

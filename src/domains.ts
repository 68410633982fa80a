import { analyticsArchives } from './adapters/analytics-archives.js';
import { analyticsFacts } from './adapters/analytics-facts.js';
import { inboundStock } from './adapters/inventory-inbound.js';
import { traceSources } from './adapters/inventory-trace-sources.js';
import { inventoryPort } from './adapters/procurement-inventory.js';
import { shipmentStockPort } from './adapters/shipments-stock.js';
import { analyticsBackgroundTasks, analyticsServices } from './analytics/index.js';
import { identityServices } from './identity/index.js';
import { inventoryBackgroundTasks, inventoryServices } from './inventory/index.js';
import type { AppContext } from './platform/app-context.js';
import type { BackgroundTask } from './platform/background-task.js';
import type { BoundService, CallEnvironment } from './platform/grpc/bind-service.js';
import { procurementBackgroundTasks, procurementServices } from './procurement/index.js';
import { shipmentBackgroundTasks, shipmentServices } from './shipments/index.js';
import { webhooks } from './webhooks/index.js';

/**
 * Webhooks' parts per running service: its WebhookService wakes its dispatcher, so the services
 * and the background tasks below must come from the same instance.
 */
const webhookParts = new WeakMap<AppContext, ReturnType<typeof webhooks>>();
function webhooksOf(app: AppContext): ReturnType<typeof webhooks> {
  let parts = webhookParts.get(app);
  if (!parts) webhookParts.set(app, (parts = webhooks(app)));
  return parts;
}

/**
 * The composition root of the domains: every domain's gRPC services, with the ports one domain
 * needs of another wired here through adapters (src/adapters/), so domains never import each
 * other's inner files.
 */
export function domainServices(app: AppContext, env: CallEnvironment): BoundService[] {
  const inventory = inventoryPort(app.cache);
  return [
    ...identityServices(app, env),
    ...inventoryServices(app, env, inboundStock, traceSources),
    ...procurementServices(app, env, inventory),
    ...shipmentServices(app, env, shipmentStockPort(app, inventory)),
    ...analyticsServices(app, env),
    ...webhooksOf(app).services(env),
  ];
}

/**
 * Every domain's background work, started and stopped with the server. Analytics' aggregation
 * and retention reach the other domains through their read ports and archive moves.
 */
export function domainBackgroundTasks(app: AppContext): BackgroundTask[] {
  return [
    ...inventoryBackgroundTasks(app),
    ...procurementBackgroundTasks(app),
    ...shipmentBackgroundTasks(app),
    ...analyticsBackgroundTasks(app, analyticsFacts, analyticsArchives),
    ...webhooksOf(app).tasks,
  ];
}

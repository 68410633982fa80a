import { analyticsBackgroundTasks, analyticsServices } from './analytics/module.js';
import { identityServices } from './identity/module.js';
import { inventoryBackgroundTasks, inventoryServices } from './inventory/module.js';
import type { AppContext } from './platform/app-context.js';
import { procurementServices } from './procurement/module.js';
import { shipmentBackgroundTasks, shipmentServices } from './shipments/module.js';
import type { BackgroundTask } from './platform/background-task.js';
import type { BoundService, CallEnvironment } from './platform/grpc/bind-service.js';

/** Every domain's gRPC services, in dependency order (identity first: everyone relies on it). */
export function domainServices(app: AppContext, env: CallEnvironment): BoundService[] {
  return [...identityServices(app, env), ...inventoryServices(app, env), ...procurementServices(app, env), ...shipmentServices(app, env), ...analyticsServices(app, env)];
}

/** Every domain's background work, started and stopped with the server. */
export function domainBackgroundTasks(app: AppContext): BackgroundTask[] {
  return [...inventoryBackgroundTasks(app), ...shipmentBackgroundTasks(app), ...analyticsBackgroundTasks(app)];
}

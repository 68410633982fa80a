import { identityServices } from './identity/module.js';
import type { AppContext } from './platform/app-context.js';
import type { BoundService, CallEnvironment } from './platform/grpc/bind-service.js';

/** Every domain's gRPC services, in dependency order (identity first: everyone relies on it). */
export function domainServices(app: AppContext, env: CallEnvironment): BoundService[] {
  return [...identityServices(app, env)];
}

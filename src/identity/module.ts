import { AuthServiceService } from '../../gen/ts/imsop/identity/v1/auth_service.js';
import type { AppContext } from '../platform/app-context.js';
import { bindService, type BoundService, type CallEnvironment } from '../platform/grpc/bind-service.js';
import { authHandlers } from './auth-handlers.js';
import { AuthService } from './auth-service.js';
import { Passwords } from './passwords.js';

/** The identity domain's gRPC services. */
export function identityServices(app: AppContext, env: CallEnvironment): BoundService[] {
  const passwords = new Passwords(app.config.BCRYPT_COST);
  return [bindService(AuthServiceService, authHandlers(new AuthService(app, passwords)), env)];
}

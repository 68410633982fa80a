import { ApiKeyServiceService } from '../../gen/ts/imsop/identity/v1/api_key_service.js';
import { AuditServiceService } from '../../gen/ts/imsop/identity/v1/audit_service.js';
import { AuthServiceService } from '../../gen/ts/imsop/identity/v1/auth_service.js';
import { OrganizationServiceService } from '../../gen/ts/imsop/identity/v1/organization_service.js';
import { RoleServiceService } from '../../gen/ts/imsop/identity/v1/role_service.js';
import { UserServiceService } from '../../gen/ts/imsop/identity/v1/user_service.js';
import type { AppContext } from '../platform/app-context.js';
import { bindService, type BoundService, type CallEnvironment } from '../platform/grpc/bind-service.js';
import { apiKeyHandlers } from './api-key-handlers.js';
import { ApiKeyService } from './api-key-service.js';
import { auditHandlers } from './audit-handlers.js';
import { AuditService } from './audit-service.js';
import { authHandlers } from './auth-handlers.js';
import { AuthService } from './auth-service.js';
import { LoginThrottle } from './login-throttle.js';
import { organizationHandlers } from './organization-handlers.js';
import { OrganizationService } from './organization-service.js';
import { Passwords } from './passwords.js';
import { PrincipalCache } from './principal-cache.js';
import { roleHandlers } from './role-handlers.js';
import { RoleService } from './role-service.js';
import { userHandlers } from './user-handlers.js';
import { UserService } from './user-service.js';

/** The identity domain's gRPC services. */
export function identityServices(app: AppContext, env: CallEnvironment): BoundService[] {
  const { config } = app;
  // One Passwords per server: its concurrency bound is what keeps bcrypt from starving other RPCs.
  const passwords = new Passwords(config.BCRYPT_COST, { maxChecksPerAddress: config.LOGIN_MAX_CONCURRENT_PER_ADDRESS });
  const principals = new PrincipalCache(app.cache, app.bus);
  const throttle = new LoginThrottle(
    app.counters,
    {
      maxAttemptsPerAccount: config.LOGIN_MAX_ATTEMPTS_PER_ACCOUNT,
      maxFailuresPerAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowSeconds: config.LOGIN_THROTTLE_WINDOW_SECONDS,
    },
    app.logger,
  );
  return [
    bindService(AuthServiceService, authHandlers(new AuthService(app, passwords, throttle, principals)), env),
    bindService(OrganizationServiceService, organizationHandlers(new OrganizationService(app, principals)), env),
    bindService(UserServiceService, userHandlers(new UserService(app, passwords, principals)), env),
    bindService(RoleServiceService, roleHandlers(new RoleService(app, principals)), env),
    bindService(ApiKeyServiceService, apiKeyHandlers(new ApiKeyService(app, principals)), env),
    bindService(AuditServiceService, auditHandlers(new AuditService(app)), env),
  ];
}

import { HealthDefinition } from '../../gen/ts/grpc/health/v1/health.js';
import { AuthServiceDefinition } from '../../gen/ts/imsop/identity/v1/auth_service.js';

/**
 * Every service the SDK exposes, under the property name clients use
 * (`imsop.auth.login(...)`). A new service is one line here.
 */
export const SERVICES = {
  health: HealthDefinition,
  auth: AuthServiceDefinition,
} as const;

export type ServiceKey = keyof typeof SERVICES;

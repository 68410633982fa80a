import { ANALYTICS_ACCESS } from './analytics/access.js';
import { IDENTITY_ACCESS } from './identity/access.js';
import { INVENTORY_ACCESS } from './inventory/access.js';
import { PUBLIC, type Access } from './platform/auth/access.js';
import { PROCUREMENT_ACCESS } from './procurement/access.js';
import { SHIPMENTS_ACCESS } from './shipments/access.js';

/**
 * The one place that says what every RPC requires of its caller: infrastructure here, each
 * domain's methods in its own `access.ts`. The gRPC glue refuses a method missing here (fail
 * closed), and a test walks every method in the descriptors and fails when one has no entry.
 * Health and reflection are public, as is Login; nothing else is.
 */
export const METHOD_ACCESS: Readonly<Record<string, Access>> = {
  // Infrastructure (registered outside the domain glue; listed so the walk sees a decision).
  '/grpc.health.v1.Health/Check': PUBLIC,
  '/grpc.health.v1.Health/Watch': PUBLIC,
  '/grpc.health.v1.Health/List': PUBLIC,
  '/grpc.reflection.v1.ServerReflection/ServerReflectionInfo': PUBLIC,
  '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo': PUBLIC,
  ...IDENTITY_ACCESS,
  ...INVENTORY_ACCESS,
  ...PROCUREMENT_ACCESS,
  ...SHIPMENTS_ACCESS,
  ...ANALYTICS_ACCESS,
};

export const accessOf = (path: string): Access | undefined => METHOD_ACCESS[path];

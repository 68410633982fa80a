import type { Principal } from '../platform/auth/principal.js';
import type { TenantScope } from '../platform/db/database.js';

/** The tenant scope a principal acts in: its organization, and itself as the audited actor. */
export const scopeOf = (principal: Principal): TenantScope => ({
  organizationId: principal.organizationId,
  userId: principal.actorId,
  actorKind: principal.kind,
});

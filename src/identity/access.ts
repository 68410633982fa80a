import { AUTHENTICATED, PUBLIC, type Access } from '../platform/auth/access.js';

/** Access rules of imsop.identity.v1 methods (merged into src/method-access.ts). */
export const IDENTITY_ACCESS: Record<string, Access> = {
  '/imsop.identity.v1.AuthService/Login': PUBLIC,
  '/imsop.identity.v1.AuthService/Logout': AUTHENTICATED,
  '/imsop.identity.v1.AuthService/WhoAmI': AUTHENTICATED,
};

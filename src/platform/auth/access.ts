/**
 * What a method requires of its caller. Declared for every RPC in its proto (`(imsop.api.v1.access)`); the
 * gRPC glue enforces it before the handler runs.
 */
export type Access =
  /** No credentials needed (login, health, reflection). */
  | { kind: 'public' }
  /** Any valid credential of an active organization. */
  | { kind: 'authenticated' }
  /** A valid credential whose effective permissions include this `resource:action`. */
  | { kind: 'permission'; permission: string };

/** The access of a method whose caller must be authenticated: what its handler gets a principal for. */
export type AuthenticatedAccess = Exclude<Access, { kind: 'public' }>;

export const PUBLIC: Access = { kind: 'public' };
export const AUTHENTICATED: Access = { kind: 'authenticated' };
export const requires = (permission: string): Access => ({ kind: 'permission', permission });

import type { Metadata } from '@grpc/grpc-js';
import { bearer, unary } from './grpc.js';
import type { ImsopClient } from './sdk.js';
import { loginAs, seedOrganization, type SeededOrganization, type TestServer } from './server.js';

/** Calls a unary method of one of the typed clients: `call(ts.clients.users, 'getUser', req, md)`. */
export function call<C extends object, K extends keyof C & string>(
  client: C,
  method: K,
  request: C[K] extends (req: infer Rq, ...rest: any[]) => any ? Rq : never,
  metadata?: Metadata,
): Promise<C[K] extends (req: any, md: any, opts: any, cb: (e: any, res: infer Rs) => void) => any ? Rs : never> {
  return unary((client[method] as any).bind(client), request, metadata) as any;
}

export interface SignedInOrg extends SeededOrganization {
  /** The admin's bearer metadata. */
  admin: Metadata;
  /** The admin's access token, and an SDK client bearing it. */
  token: string;
  imsop: ImsopClient;
  /** Role ids by name (the system roles). */
  roleIds: Record<string, string>;
}

/** A seeded organization with its admin signed in and the system roles' ids at hand. */
export async function signedInOrg(ts: TestServer, name?: string): Promise<SignedInOrg> {
  const org = await seedOrganization(ts, name);
  const { metadata, token } = await loginAs(ts, org.name, org.adminEmail, org.adminPassword);
  const { roles } = await call(ts.clients.roles, 'listRoles', { pageSize: 0, pageToken: '' }, metadata);
  return { ...org, admin: metadata, token, imsop: ts.connect(token), roleIds: Object.fromEntries(roles.map((r) => [r.name, r.id])) };
}

let userCounter = 0;

/**
 * Creates a user through the API, gives them the named roles, signs them in.
 * @returns the user's id, email, password and bearer metadata.
 */
export async function userWithRoles(ts: TestServer, org: SignedInOrg, roles: string[], password = 'user-password-123') {
  const email = `user${++userCounter}-${process.pid}@${org.name}.test`;
  const { user } = await call(ts.clients.users, 'createUser', { email, displayName: `User ${userCounter}`, password, requestId: '' }, org.admin);
  for (const role of roles) {
    await call(ts.clients.roles, 'assignUserRole', { userId: user!.id, roleId: org.roleIds[role]!, requestId: '' }, org.admin);
  }
  const { token } = await loginAs(ts, org.name, email, password);
  return { id: user!.id, email, password, token, metadata: bearer(token) };
}

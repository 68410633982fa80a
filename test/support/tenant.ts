import type { ImsopClient } from './sdk.js';
import { seedOrganization, type SeededOrganization, type TestServer } from './server.js';

/** An organization with its admin signed in: the admin's SDK client and the system roles' ids. */
export interface Tenant extends SeededOrganization {
  /** The admin's access token. */
  token: string;
  /** SDK client bearing the admin's token. */
  imsop: ImsopClient;
  /** Role ids by name (the system roles). */
  roleIds: Record<string, string>;
}

/** Seeds an organization the way `imsop org create` does and signs its admin in through Login. */
export async function signedInTenant(ts: TestServer, name?: string): Promise<Tenant> {
  const org = await seedOrganization(ts, name);
  const token = await signIn(ts, org.name, org.adminEmail, org.adminPassword);
  const imsop = ts.connect(token);
  const { roles } = await imsop.roles.listRoles({});
  return { ...org, token, imsop, roleIds: Object.fromEntries(roles.map((r) => [r.name, r.id])) };
}

const loginClients = new WeakMap<TestServer, ImsopClient>();

/** Logs in through the real Login RPC; returns the access token. */
export async function signIn(ts: TestServer, organization: string, email: string, password: string): Promise<string> {
  return (await loginClient(ts).auth.login({ organization, email, password })).accessToken;
}

function loginClient(ts: TestServer): ImsopClient {
  let client = loginClients.get(ts);
  if (!client) loginClients.set(ts, (client = ts.connect()));
  return client;
}

/** A member of a tenant, signed in. */
export interface Member {
  id: string;
  email: string;
  password: string;
  token: string;
  /** SDK client bearing the member's token. */
  imsop: ImsopClient;
}

let userCounter = 0;

/** Creates a user through the API, gives them the named (system) roles, and signs them in. */
export async function userWithRoles(
  ts: TestServer,
  tenant: Tenant,
  roles: string[],
  password = 'user-password-123',
): Promise<Member> {
  const email = `user${++userCounter}-${process.pid}@${tenant.name}.test`;
  const { user } = await tenant.imsop.users.createUser({ email, displayName: `User ${userCounter}`, password });
  for (const role of roles)
    await tenant.imsop.roles.assignUserRole({ userId: user!.id, roleId: tenant.roleIds[role]! });
  const token = await signIn(ts, tenant.name, email, password);
  return { id: user!.id, email, password, token, imsop: ts.connect(token) };
}

/** Signs in through Login; returns the tokens and an SDK client bearing the access token. */
export async function loginAs(ts: TestServer, organization: string, email: string, password: string) {
  const response = await loginClient(ts).auth.login({ organization, email, password });
  return { token: response.accessToken, response, imsop: ts.connect(response.accessToken) };
}

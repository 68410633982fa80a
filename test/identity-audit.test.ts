import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect } from 'vitest';
import {
  Organization,
  Role,
  User,
  AuditActorKind,
  AuditOperation,
  type AuditEntry,
} from '../gen/ts/imsop/identity/v1/resources.js';
import { APP_ROLE } from '../src/platform/db/migrate.js';
import { TEST_APP_PASSWORD } from './support/global-setup.js';
import { expectError } from './support/expect-error.js';
import { Status, type ImsopClient } from './support/sdk.js';
import { it } from './support/tenant-fixture.js';
import { loginAs, userWithRoles } from './support/tenant.js';

// The audit trail as a user sees it: every row a mutation changes appears exactly once, with
// the right actor, operation and key, without secrets; nothing else appears; the log is
// append-only for the service's database role.
const listAll = async (
  imsop: ImsopClient,
  filter: Partial<{ tableName: string; actorId: string; startTime: Date; endTime: Date }> = {},
) => {
  const entries: AuditEntry[] = [];
  let pageToken = '';
  do {
    const page = await imsop.audit.listAuditEntries({
      pageSize: 7,
      pageToken,
      tableName: '',
      actorId: '',
      startTime: undefined,
      endTime: undefined,
      ...filter,
    });
    entries.push(...page.auditEntries);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return entries;
};

/** Runs `mutation` and returns the audit entries it added, oldest first. */
async function entriesOf(imsop: ImsopClient, mutation: () => Promise<unknown>): Promise<AuditEntry[]> {
  const before = new Set((await listAll(imsop)).map((e) => e.id));
  await mutation();
  return (await listAll(imsop)).filter((e) => !before.has(e.id)).reverse();
}

const shape = (e: AuditEntry) => [e.tableName, AuditOperation[e.operation]!.replace('AUDIT_OPERATION_', '')];

describe('every mutation', () => {
  it('adds exactly the entries of the rows it changed, with the calling user as actor', async ({
    server,
    org,
    imsop,
  }) => {
    const admin = { actorKind: AuditActorKind.AUDIT_ACTOR_KIND_USER, actorId: org.adminUserId };
    const expectEntries = async (mutation: () => Promise<unknown>, expected: string[][], actor = admin) => {
      const entries = await entriesOf(imsop, mutation);
      expect(entries.map(shape)).toEqual(expected);
      for (const e of entries) expect({ actorKind: e.actorKind, actorId: e.actorId }).toEqual(actor);
      return entries;
    };

    const { organization } = await imsop.organizations.getOrganization({});
    const [orgEntry] = await expectEntries(
      () =>
        imsop.organizations.updateOrganization({
          organization: Organization.fromPartial({ ...organization, settings: { locale: 'fr-FR' } }),
          updateMask: ['settings'],
        }),
      [['organizations', 'UPDATE']],
    );
    expect(orgEntry!.rowKey).toBe(org.organizationId);
    expect(orgEntry!.before).toMatchObject({ settings: {}, version: 1 });
    expect(orgEntry!.after).toMatchObject({ settings: { locale: 'fr-FR' }, version: 2 });

    let userId = '';
    const [created] = await expectEntries(async () => {
      userId = (
        await imsop.users.createUser({
          email: 'audited@x.test',
          displayName: 'Audited',
          password: 'audited-password-1',
        })
      ).user!.id;
    }, [['users', 'INSERT']]);
    expect(created!.rowKey).toBe(userId);
    expect(created!.before).toBeUndefined();
    expect(created!.after).toMatchObject({ email: 'audited@x.test', status: 'active' });
    expect(created!.after).not.toHaveProperty('password_hash');

    await expectEntries(
      () =>
        imsop.users.updateUser({
          user: User.fromPartial({ id: userId, displayName: 'Audited Again' }),
          updateMask: ['display_name'],
        }),
      [['users', 'UPDATE']],
    );
    const [reset] = await expectEntries(
      () => imsop.users.resetUserPassword({ id: userId, newPassword: 'another-password-1' }),
      [['users', 'UPDATE']],
    );
    expect(reset!.before).not.toHaveProperty('password_hash');
    expect(reset!.after).not.toHaveProperty('password_hash');

    let roleId = '';
    await expectEntries(async () => {
      roleId = (await imsop.roles.createRole({ name: 'audited', description: '', permissions: [] })).role!.id;
    }, [['roles', 'INSERT']]);
    const [grant] = await expectEntries(
      () => imsop.roles.grantRolePermissions({ roleId, permissions: ['inventory.products:read'] }),
      [['role_permissions', 'INSERT']],
    );
    expect(JSON.parse(grant!.rowKey)).toEqual({ permission_id: 'inventory.products:read', role_id: roleId });
    await expectEntries(
      () => imsop.roles.revokeRolePermissions({ roleId, permissions: ['inventory.products:read'] }),
      [['role_permissions', 'DELETE']],
    );
    await expectEntries(
      () =>
        imsop.roles.updateRole({
          role: Role.fromPartial({ id: roleId, description: 'now described' }),
          updateMask: ['description'],
        }),
      [['roles', 'UPDATE']],
    );
    await expectEntries(() => imsop.roles.assignUserRole({ userId, roleId }), [['user_roles', 'INSERT']]);
    await expectEntries(() => imsop.roles.unassignUserRole({ userId, roleId }), [['user_roles', 'DELETE']]);
    await expectEntries(() => imsop.users.deactivateUser({ id: userId }), [['users', 'UPDATE']]);
    await expectEntries(() => imsop.users.reactivateUser({ id: userId }), [['users', 'UPDATE']]);

    let keyId = '';
    const [key] = await expectEntries(async () => {
      keyId = (await imsop.apiKeys.createApiKey({ name: 'audited-key', roleId, expireTime: undefined })).apiKey!.id;
    }, [['api_keys', 'INSERT']]);
    expect(key!.after).not.toHaveProperty('secret_hash');
    await expectEntries(() => imsop.apiKeys.revokeApiKey({ id: keyId }), [['api_keys', 'UPDATE']]);
    // Deleting the role clears the revoked key's reference: that row change is audited too.
    await expectEntries(
      () => imsop.roles.deleteRole({ id: roleId }),
      [
        ['roles', 'DELETE'],
        ['api_keys', 'UPDATE'],
      ],
    );

    // A user acting on their own account is the actor.
    const self = await loginAs(server, org.name, 'audited@x.test', 'another-password-1');
    await expectEntries(
      () => self.imsop.auth.changePassword({ currentPassword: 'another-password-1', newPassword: 'third-password-12' }),
      [['users', 'UPDATE']],
      {
        actorKind: AuditActorKind.AUDIT_ACTOR_KIND_USER,
        actorId: userId,
      },
    );
  });

  it('made with an API key names the key as actor', async ({ server, imsop }) => {
    const { role } = await imsop.roles.createRole({
      name: 'provisioner',
      description: '',
      permissions: ['identity.users:write', 'identity.users:read'],
    });
    const { apiKey, secret } = await imsop.apiKeys.createApiKey({
      name: 'provisioning',
      roleId: role!.id,
      expireTime: undefined,
    });
    const bot = server.connect(secret);
    const entries = await entriesOf(imsop, () =>
      bot.users.createUser({ email: 'bot-made@x.test', displayName: 'Bot Made', password: 'bot-made-password' }),
    );
    expect(entries.map((e) => [...shape(e), e.actorKind, e.actorId])).toEqual([
      ['users', 'INSERT', AuditActorKind.AUDIT_ACTOR_KIND_API_KEY, apiKey!.id],
    ]);
  });

  it('that changes nothing, or is a retry of the same request_id, adds nothing; sign-ins add nothing', async ({
    server,
    org,
    imsop,
  }) => {
    const user = await userWithRoles(server, org, ['viewer']);
    const requestId = randomUUID();
    const update = () =>
      imsop.users.updateUser({
        user: User.fromPartial({ id: user.id, displayName: 'Once' }),
        updateMask: ['display_name'],
        requestId,
      });
    expect((await entriesOf(imsop, update)).map(shape)).toEqual([['users', 'UPDATE']]);
    expect(await entriesOf(imsop, update)).toEqual([]);
    expect(
      await entriesOf(imsop, () => imsop.roles.assignUserRole({ userId: user.id, roleId: org.roleIds.viewer! })),
    ).toEqual([]);
    expect(
      await entriesOf(imsop, () =>
        imsop.roles
          .grantRolePermissions({ roleId: org.roleIds.viewer!, permissions: ['inventory.products:read'] })
          .catch(() => undefined),
      ),
    ).toEqual([]);
    expect(
      await entriesOf(imsop, async () => {
        const s = await loginAs(server, org.name, user.email, user.password);
        await s.imsop.auth.refreshToken({}).then((r) => server.connect(r.accessToken).auth.logout({}));
      }),
    ).toEqual([]);
  });
});

describe('ListAuditEntries', () => {
  it('starts with the organization setup by the system actor, and filters by table, actor and time', async ({
    org,
    imsop,
  }) => {
    const all = await listAll(imsop);
    const oldest = all[all.length - 1]!;
    expect(oldest).toMatchObject({
      tableName: 'organizations',
      operation: AuditOperation.AUDIT_OPERATION_INSERT,
      actorKind: AuditActorKind.AUDIT_ACTOR_KIND_SYSTEM,
      actorId: '',
    });
    // Newest first, no duplicates across pages.
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    for (let i = 1; i < all.length; i++)
      expect(all[i - 1]!.occurTime!.getTime()).toBeGreaterThanOrEqual(all[i]!.occurTime!.getTime());

    const users = await listAll(imsop, { tableName: 'users' });
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((e) => e.tableName === 'users')).toBe(true);
    expect(users).toEqual(all.filter((e) => e.tableName === 'users'));
    const byAdmin = await listAll(imsop, { actorId: org.adminUserId });
    expect(byAdmin).toEqual(all.filter((e) => e.actorId === org.adminUserId));

    const cut = all[Math.floor(all.length / 2)]!.occurTime!;
    const later = await listAll(imsop, { startTime: cut });
    expect(later).toEqual(all.filter((e) => e.occurTime!.getTime() >= cut.getTime()));
    const bad = await expectError(
      imsop.audit.listAuditEntries({
        pageSize: 0,
        pageToken: '',
        tableName: '',
        actorId: 'nope',
        startTime: new Date(2),
        endTime: new Date(1),
      }),
    );
    expect(bad.fieldViolations.map((v) => v.field).sort()).toEqual(['actor_id', 'start_time']);
    const foreignToken = await imsop.audit.listAuditEntries({
      pageSize: 1,
      pageToken: '',
      tableName: 'users',
      actorId: '',
      startTime: undefined,
      endTime: undefined,
    });
    const misuse = await expectError(
      imsop.audit.listAuditEntries({
        pageSize: 1,
        pageToken: foreignToken.nextPageToken,
        tableName: '',
        actorId: '',
        startTime: undefined,
        endTime: undefined,
      }),
    );
    expect(misuse.code).toBe(Status.INVALID_ARGUMENT);
  });
});

describe('audit_log in the database', () => {
  it('is append-only for the app role: no insert, update, delete or truncate, even in its own tenant', async ({
    server,
    org,
  }) => {
    const url = new URL(server.database.adminUrl);
    url.username = APP_ROLE;
    url.password = TEST_APP_PASSWORD;
    const app = new pg.Client({ connectionString: url.toString() });
    await app.connect();
    try {
      await app.query(`SELECT set_config('app.org_id', $1, false)`, [org.organizationId]);
      expect((await app.query(`SELECT count(*)::int AS n FROM audit_log`)).rows[0].n).toBeGreaterThan(0);
      for (const statement of [
        `UPDATE audit_log SET table_name = 'x'`,
        `DELETE FROM audit_log`,
        `TRUNCATE audit_log`,
        `INSERT INTO audit_log (organization_id, actor_kind, table_name, row_key, operation) VALUES ('${org.organizationId}', 'system', 't', 'k', 'INSERT')`,
      ]) {
        await expect(app.query(statement), statement).rejects.toThrow(/permission denied/);
      }
    } finally {
      await app.end();
    }
  });
});

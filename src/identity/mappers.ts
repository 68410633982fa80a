import {
  AuditActorKind,
  AuditOperation,
  OrganizationStatus,
  UserStatus,
  type ApiKey,
  type AuditEntry,
  type Organization,
  type Role,
  type User,
} from '../../gen/ts/imsop/identity/v1/resources.js';
import type { SelectedRow } from '../platform/db/table-row.js';
import { enumMapping } from '../platform/enum-mapping.js';
import { formatEtag } from '../platform/etag.js';

// Rows as selected (the *Columns lists) and their proto messages. Columns are listed, never `*`,
// so a new column (or a secret one: password_hash, secret_hash) is never sent by accident.

export type OrganizationRow = SelectedRow<'organizations', typeof organizationColumns>;

export type UserRow = SelectedRow<'users', typeof userColumns>;

export type RoleRow = SelectedRow<'roles', typeof roleColumns>;

export type ApiKeyRow = SelectedRow<'api_keys', typeof apiKeyColumns>;

export type AuditRow = SelectedRow<'audit_log', typeof auditColumns>;

export const organizationColumns = [
  'id',
  'name',
  'status',
  'subscription_tier',
  'settings',
  'version',
  'created_at',
  'updated_at',
] as const;
export const userColumns = [
  'id',
  'organization_id',
  'email',
  'display_name',
  'status',
  'version',
  'created_at',
  'updated_at',
] as const;
export const roleColumns = ['id', 'name', 'description', 'is_system', 'version', 'created_at', 'updated_at'] as const;
export const apiKeyColumns = [
  'id',
  'name',
  'role_id',
  'secret_hint',
  'expires_at',
  'revoked_at',
  'created_at',
  'created_by',
] as const;
export const auditColumns = [
  'id',
  'occurred_at',
  'actor_kind',
  'actor_id',
  'table_name',
  'row_key',
  'operation',
  'before',
  'after',
] as const;

export const ORG_STATUS = enumMapping(
  {
    active: OrganizationStatus.ORGANIZATION_STATUS_ACTIVE,
    suspended: OrganizationStatus.ORGANIZATION_STATUS_SUSPENDED,
  },
  OrganizationStatus.ORGANIZATION_STATUS_UNSPECIFIED,
);
export const USER_STATUS = enumMapping(
  {
    active: UserStatus.USER_STATUS_ACTIVE,
    inactive: UserStatus.USER_STATUS_INACTIVE,
  },
  UserStatus.USER_STATUS_UNSPECIFIED,
);
const ACTOR_KIND = enumMapping(
  {
    user: AuditActorKind.AUDIT_ACTOR_KIND_USER,
    api_key: AuditActorKind.AUDIT_ACTOR_KIND_API_KEY,
    system: AuditActorKind.AUDIT_ACTOR_KIND_SYSTEM,
  },
  AuditActorKind.AUDIT_ACTOR_KIND_UNSPECIFIED,
);
const OPERATION = enumMapping(
  {
    INSERT: AuditOperation.AUDIT_OPERATION_INSERT,
    UPDATE: AuditOperation.AUDIT_OPERATION_UPDATE,
    DELETE: AuditOperation.AUDIT_OPERATION_DELETE,
  },
  AuditOperation.AUDIT_OPERATION_UNSPECIFIED,
);

const asObject = (value: unknown): { [key: string]: any } | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { [key: string]: any }) : undefined;

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    name: row.name,
    status: ORG_STATUS.toProto(row.status),
    subscriptionTier: row.subscription_tier,
    createTime: row.created_at,
    updateTime: row.updated_at,
    settings: asObject(row.settings) ?? {},
    etag: formatEtag(row.version),
  };
}

export function toUser(row: UserRow, roleIds: string[]): User {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    displayName: row.display_name,
    status: USER_STATUS.toProto(row.status),
    createTime: row.created_at,
    updateTime: row.updated_at,
    roleIds,
    etag: formatEtag(row.version),
  };
}

export function toRole(row: RoleRow, permissions: string[]): Role {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    permissions,
    system: row.is_system,
    createTime: row.created_at,
    updateTime: row.updated_at,
    etag: formatEtag(row.version),
  };
}

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    roleId: row.role_id ?? '',
    secretHint: row.secret_hint,
    expireTime: row.expires_at ?? undefined,
    revokeTime: row.revoked_at ?? undefined,
    createTime: row.created_at,
    creatorUserId: row.created_by ?? '',
  };
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: String(row.id),
    occurTime: row.occurred_at,
    actorKind: ACTOR_KIND.toProto(row.actor_kind),
    actorId: row.actor_id ?? '',
    tableName: row.table_name,
    rowKey: row.row_key,
    operation: OPERATION.toProto(row.operation),
    before: asObject(row.before),
    after: asObject(row.after),
  };
}

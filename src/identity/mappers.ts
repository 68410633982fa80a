import { OrganizationStatus, UserStatus, type Organization, type User } from '../../gen/ts/imsop/identity/v1/resources.js';

export interface OrganizationRow {
  id: string;
  name: string;
  status: string;
  subscription_tier: string;
  created_at: Date;
  updated_at: Date;
}

export interface UserRow {
  id: string;
  organization_id: string;
  email: string;
  display_name: string;
  status: string;
  created_at: Date;
  updated_at: Date;
}

export const organizationColumns = ['id', 'name', 'status', 'subscription_tier', 'created_at', 'updated_at'] as const;
export const userColumns = ['id', 'organization_id', 'email', 'display_name', 'status', 'created_at', 'updated_at'] as const;

const ORG_STATUS: Record<string, OrganizationStatus> = {
  active: OrganizationStatus.ORGANIZATION_STATUS_ACTIVE,
  suspended: OrganizationStatus.ORGANIZATION_STATUS_SUSPENDED,
};
const USER_STATUS: Record<string, UserStatus> = {
  active: UserStatus.USER_STATUS_ACTIVE,
  inactive: UserStatus.USER_STATUS_INACTIVE,
};

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    name: row.name,
    status: ORG_STATUS[row.status] ?? OrganizationStatus.ORGANIZATION_STATUS_UNSPECIFIED,
    subscriptionTier: row.subscription_tier,
    createTime: row.created_at,
    updateTime: row.updated_at,
  };
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    displayName: row.display_name,
    status: USER_STATUS[row.status] ?? UserStatus.USER_STATUS_UNSPECIFIED,
    createTime: row.created_at,
    updateTime: row.updated_at,
  };
}

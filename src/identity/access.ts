import { AUTHENTICATED, PUBLIC, requires, type Access } from '../platform/auth/access.js';
import type { Permission } from './permission-catalogue.js';

const need = (permission: Permission): Access => requires(permission);

/**
 * Access rules of imsop.identity.v1 methods (merged into src/method-access.ts). Methods about
 * the caller's own session need only valid credentials; everything else names its permission.
 */
export const IDENTITY_ACCESS: Record<string, Access> = {
  '/imsop.identity.v1.AuthService/Login': PUBLIC,
  '/imsop.identity.v1.AuthService/Logout': AUTHENTICATED,
  '/imsop.identity.v1.AuthService/RefreshToken': AUTHENTICATED,
  '/imsop.identity.v1.AuthService/WhoAmI': AUTHENTICATED,
  '/imsop.identity.v1.AuthService/ChangePassword': AUTHENTICATED,

  '/imsop.identity.v1.OrganizationService/GetOrganization': need('identity.organizations:read'),
  '/imsop.identity.v1.OrganizationService/UpdateOrganization': need('identity.organizations:write'),

  '/imsop.identity.v1.UserService/CreateUser': need('identity.users:write'),
  '/imsop.identity.v1.UserService/GetUser': need('identity.users:read'),
  '/imsop.identity.v1.UserService/ListUsers': need('identity.users:read'),
  '/imsop.identity.v1.UserService/UpdateUser': need('identity.users:write'),
  '/imsop.identity.v1.UserService/DeactivateUser': need('identity.users:write'),
  '/imsop.identity.v1.UserService/ReactivateUser': need('identity.users:write'),
  '/imsop.identity.v1.UserService/ResetUserPassword': need('identity.users:write'),

  '/imsop.identity.v1.RoleService/ListPermissions': need('identity.roles:read'),
  '/imsop.identity.v1.RoleService/CreateRole': need('identity.roles:write'),
  '/imsop.identity.v1.RoleService/GetRole': need('identity.roles:read'),
  '/imsop.identity.v1.RoleService/ListRoles': need('identity.roles:read'),
  '/imsop.identity.v1.RoleService/UpdateRole': need('identity.roles:write'),
  '/imsop.identity.v1.RoleService/DeleteRole': need('identity.roles:write'),
  '/imsop.identity.v1.RoleService/GrantRolePermissions': need('identity.roles:write'),
  '/imsop.identity.v1.RoleService/RevokeRolePermissions': need('identity.roles:write'),
  '/imsop.identity.v1.RoleService/AssignUserRole': need('identity.roles:write'),
  '/imsop.identity.v1.RoleService/UnassignUserRole': need('identity.roles:write'),

  '/imsop.identity.v1.ApiKeyService/CreateApiKey': need('identity.api_keys:write'),
  '/imsop.identity.v1.ApiKeyService/GetApiKey': need('identity.api_keys:read'),
  '/imsop.identity.v1.ApiKeyService/ListApiKeys': need('identity.api_keys:read'),
  '/imsop.identity.v1.ApiKeyService/RevokeApiKey': need('identity.api_keys:write'),

  '/imsop.identity.v1.AuditService/ListAuditEntries': need('identity.audit:read'),
};

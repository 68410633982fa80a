// Message and enum types of imsop.identity.v1, for SDK users.
export * from '../../gen/imsop/identity/v1/api_key_service.js';
export * from '../../gen/imsop/identity/v1/audit_service.js';
export * from '../../gen/imsop/identity/v1/auth_service.js';
export * from '../../gen/imsop/identity/v1/organization_service.js';
export * from '../../gen/imsop/identity/v1/resources.js';
export * from '../../gen/imsop/identity/v1/role_service.js';
export * from '../../gen/imsop/identity/v1/user_service.js';

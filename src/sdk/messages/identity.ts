// Message and enum types of imsop.identity.v1, for SDK users.
export * from '../../../gen/ts/imsop/identity/v1/auth_service.js';
export * from '../../../gen/ts/imsop/identity/v1/resources.js';

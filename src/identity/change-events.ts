import { ApiKey, Organization, Role, User } from '../../gen/ts/imsop/identity/v1/resources.js';
import type { ResourceJson } from '../platform/change-feed/resource-change.js';

/**
 * Identity's resources as the change feed carries them (docs/change-events.md): the proto3 JSON
 * of the message the API returns, built by the same mappers. None of them holds a secret: the
 * mappers never select password hashes or key hashes, and an API key's event leaves out even
 * its secret hint (the last characters of the key), since events travel further than the API
 * (webhook receivers, the broker).
 */

export const ORGANIZATION = 'organization';
export const USER = 'user';
export const ROLE = 'role';
export const API_KEY = 'api_key';

export const organizationJson = (organization: Organization): ResourceJson =>
  Organization.toJSON(organization) as ResourceJson;

export const userJson = (user: User): ResourceJson => User.toJSON(user) as ResourceJson;

export const roleJson = (role: Role): ResourceJson => Role.toJSON(role) as ResourceJson;

export function apiKeyJson(apiKey: ApiKey): ResourceJson {
  const { secretHint: _hint, ...json } = ApiKey.toJSON(apiKey) as ResourceJson;
  return json;
}

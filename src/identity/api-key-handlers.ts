import type { ApiKeyServiceService } from '../../gen/ts/imsop/identity/v1/api_key_service.js';
import { principalOf } from '../platform/grpc/call-context.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { ApiKeyService } from './api-key-service.js';

/** imsop.identity.v1.ApiKeyService: proto in, domain call, proto out. */
export function apiKeyHandlers(keys: ApiKeyService): ServiceHandlers<typeof ApiKeyServiceService> {
  return {
    createApiKey: (request, ctx) => keys.create(principalOf(ctx), request),
    getApiKey: (request, ctx) => keys.get(principalOf(ctx), request),
    listApiKeys: (request, ctx) => keys.list(principalOf(ctx), request),
    revokeApiKey: (request, ctx) => keys.revoke(principalOf(ctx), request),
  };
}

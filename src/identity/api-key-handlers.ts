import type { ApiKeyServiceService } from '../../gen/ts/imsop/identity/v1/api_key_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { ApiKeyService } from './api-key-service.js';
import { callerOf } from './scope.js';

/** imsop.identity.v1.ApiKeyService: proto in, domain call, proto out. */
export function apiKeyHandlers(keys: ApiKeyService): ServiceHandlers<typeof ApiKeyServiceService> {
  return {
    createApiKey: (request, ctx) => keys.create(callerOf(ctx), request),
    getApiKey: (request, ctx) => keys.get(ctx.principal, request),
    listApiKeys: (request, ctx) => keys.list(ctx.principal, request),
    revokeApiKey: (request, ctx) => keys.revoke(callerOf(ctx), request),
  };
}

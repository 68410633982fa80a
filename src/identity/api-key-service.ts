import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  ApiKeyServiceService,
  RevokeApiKeyRequest,
  RevokeApiKeyResponse,
  type CreateApiKeyRequest,
  type CreateApiKeyResponse,
  type GetApiKeyRequest,
  type GetApiKeyResponse,
  type ListApiKeysRequest,
  type ListApiKeysResponse,
} from '../../gen/ts/imsop/identity/v1/api_key_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { Principal } from '../platform/auth/principal.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { notFound } from '../platform/errors.js';
import { recordChange } from '../platform/change-feed/record-change.js';
import { created, domainEvent } from '../platform/change-feed/resource-change.js';
import { mutation } from '../platform/mutation.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import { API_KEY, apiKeyJson } from './change-events.js';
import { apiKeyColumns, toApiKey, type ApiKeyRow } from './mappers.js';
import type { PrincipalCache } from './principal-cache.js';
import { loadRole } from './role-service.js';
import { requireHeld } from './rules.js';
import { scopeOf, type Caller } from './scope.js';
import { newSecret } from './tokens.js';

/** API keys for service accounts: role-scoped bearer secrets, stored only as hashes. */
export class ApiKeyService {
  constructor(
    private readonly app: AppContext,
    private readonly principals: PrincipalCache,
  ) {}

  /**
   * Creates a key and returns its secret (the only time it exists in clear). No request_id:
   * storing the response for retries would store the secret.
   * @throws AppError INVALID_ARGUMENT; NOT_FOUND `ROLE_NOT_FOUND`; PERMISSION_DENIED for a
   *   permission of the role the caller lacks.
   */
  async create(principal: Caller, request: CreateApiKeyRequest): Promise<CreateApiKeyResponse> {
    const v = new Violations().requireText('name', request.name, 200).uuid('role_id', request.roleId);
    if (request.expireTime && request.expireTime.getTime() <= Date.now()) v.add('expire_time', 'must be in the future');
    v.throwIfAny();
    const { organizationId } = principal;
    return this.app.db.inTenant(scopeOf(principal), async (work) => {
      const role = await loadRole(work, request.roleId);
      requireHeld(principal, role.permissions);
      const createdBy = await creatorBehind(work, principal);
      const { token, hash } = newSecret('api_key', organizationId);
      const row = await work.tx
        .insertInto('api_keys')
        .values({
          organization_id: organizationId,
          id: randomUUID(),
          name: request.name.trim(),
          role_id: role.id,
          secret_hash: hash,
          secret_hint: token.slice(-4),
          expires_at: request.expireTime ?? null,
          created_by: createdBy,
        })
        .returning(apiKeyColumns)
        .executeTakeFirstOrThrow();
      const apiKey = toApiKey(row);
      await recordChange(work, created(API_KEY, apiKeyJson(apiKey)));
      return { apiKey, secret: token };
    });
  }

  /** @throws AppError INVALID_ARGUMENT (id); NOT_FOUND `API_KEY_NOT_FOUND`. */
  async get(principal: Principal, request: GetApiKeyRequest): Promise<GetApiKeyResponse> {
    new Violations().uuid('id', request.id).throwIfAny();
    return this.app.db.inTenant(scopeOf(principal), async (work) => ({
      apiKey: toApiKey(await findApiKey(work, request.id)),
    }));
  }

  /** Oldest first, keyset-paginated on (created_at, id). */
  async list(principal: Principal, request: ListApiKeysRequest): Promise<ListApiKeysResponse> {
    const size = resolvePageSize(request.pageSize);
    const { organizationId } = principal;
    const binding = {
      organizationId,
      method: ApiKeyServiceService.listApiKeys.path,
      filter: { showRevoked: request.showRevoked },
    };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['timestamp', 'uuid']);
    return this.app.db.inTenant(scopeOf(principal), async (work) => {
      const rows = await work.tx
        .selectFrom('api_keys')
        .select([...apiKeyColumns, sql<string>`created_at::text`.as('cursor_time')])
        .where('organization_id', '=', organizationId)
        .$if(!request.showRevoked, (q) => q.where('revoked_at', 'is', null))
        .$if(after !== undefined, (q) =>
          q.where(sql<boolean>`(created_at, id) > (${after![0]}::timestamptz, ${after![1]}::uuid)`),
        )
        .orderBy('created_at')
        .orderBy('id')
        .limit(size + 1)
        .execute();
      const page = this.app.pageTokens.page(rows, size, binding, (r) => [r.cursor_time, r.id]);
      return { apiKeys: page.items.map(toApiKey), nextPageToken: page.nextPageToken };
    });
  }

  /** Revokes a key (idempotent); it stops working on every instance at once. @throws AppError NOT_FOUND. */
  async revoke(principal: Caller, request: RevokeApiKeyRequest): Promise<RevokeApiKeyResponse> {
    new Violations().uuid('id', request.id).throwIfAny();
    const { organizationId } = principal;
    return mutation(
      this.app.db,
      scopeOf(principal),
      { path: ApiKeyServiceService.revokeApiKey.path, request: RevokeApiKeyRequest, response: RevokeApiKeyResponse },
      request,
      async (work) => {
        const current = await findApiKey(work, request.id);
        if (current.revoked_at) return { apiKey: toApiKey(current) };
        const row = await work.tx
          .updateTable('api_keys')
          .set({ revoked_at: sql`now()` })
          .where('organization_id', '=', organizationId)
          .where('id', '=', request.id)
          .returning(apiKeyColumns)
          .executeTakeFirstOrThrow();
        work.afterCommit(() => this.principals.invalidateOrganization(organizationId));
        const apiKey = toApiKey(row);
        await recordChange(work, domainEvent('api_key.revoked', apiKeyJson(apiKey), apiKeyJson(toApiKey(current))));
        return { apiKey };
      },
    );
  }
}

/** @throws AppError NOT_FOUND `API_KEY_NOT_FOUND` (also for another organization's key). */
async function findApiKey(work: UnitOfWork, id: string): Promise<ApiKeyRow> {
  const { organizationId } = work.tenant;
  const row = await work.tx
    .selectFrom('api_keys')
    .select(apiKeyColumns)
    .where('organization_id', '=', organizationId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('api key');
  return row;
}

/**
 * The user a new key belongs to: the caller, or for a key created with a key, that key's own
 * creator (null for keys made before creators were recorded). The key lives and acts only as
 * far as this user does (src/identity/authenticator.ts).
 */
async function creatorBehind(work: UnitOfWork, principal: Principal): Promise<string | null> {
  if (principal.kind === 'user') return principal.actorId;
  const key = await work.tx
    .selectFrom('api_keys')
    .select('created_by')
    .where('organization_id', '=', work.tenant.organizationId)
    .where('id', '=', principal.actorId)
    .executeTakeFirst();
  return key?.created_by ?? null;
}

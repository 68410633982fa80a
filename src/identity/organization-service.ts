import { sql } from 'kysely';
import {
  OrganizationServiceService,
  UpdateOrganizationRequest,
  UpdateOrganizationResponse,
  type GetOrganizationResponse,
} from '../../gen/ts/imsop/identity/v1/organization_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { Principal } from '../platform/auth/principal.js';
import { isUniqueViolation } from '../platform/db/unique-violation.js';
import { alreadyExists, AppError, GrpcStatus, notFound } from '../platform/errors.js';
import { checkEtag } from '../platform/etag.js';
import { maskPaths, protoFieldPath } from '../platform/field-mask.js';
import { recordChange } from '../platform/change-feed/record-change.js';
import { updated } from '../platform/change-feed/resource-change.js';
import { mutation } from '../platform/mutation.js';
import { Violations } from '../platform/validation.js';
import { ORGANIZATION, organizationJson } from './change-events.js';
import { ORG_STATUS, organizationColumns, toOrganization } from './mappers.js';
import { checkOrganizationName } from './organization-reference.js';
import type { PrincipalCache } from './principal-cache.js';
import { organizationName } from './rules.js';
import { scopeOf, type Caller } from './scope.js';

const UPDATABLE = ['name', 'status', 'settings'] as const;
/** Fields of the organization only the platform operator changes (`imsop org set-tier`). */
const OPERATOR_ONLY = ['subscription_tier'] as const;
const SETTINGS_MAX_BYTES = 16 * 1024;

/** The caller's own organization; no method can name another one. */
export class OrganizationService {
  constructor(
    private readonly app: AppContext,
    private readonly principals: PrincipalCache,
  ) {}

  async get(principal: Principal): Promise<GetOrganizationResponse> {
    return this.app.db.inTenant(scopeOf(principal), async (work) => {
      const row = await work.tx
        .selectFrom('organizations')
        .select(organizationColumns)
        .where('id', '=', principal.organizationId)
        .executeTakeFirst();
      if (!row) throw notFound('organization');
      return { organization: toOrganization(row) };
    });
  }

  /**
   * @throws AppError INVALID_ARGUMENT for the mask or values (a UUID-like name among them);
   *   PERMISSION_DENIED `OPERATOR_ONLY_FIELD` for `subscription_tier`; ALREADY_EXISTS
   *   `ORGANIZATION_NAME_TAKEN`; ABORTED `ETAG_MISMATCH`.
   */
  async update(principal: Caller, request: UpdateOrganizationRequest): Promise<UpdateOrganizationResponse> {
    refuseOperatorOnly(request.updateMask);
    const paths = maskPaths(request.updateMask, UPDATABLE);
    const given = request.organization;
    const v = new Violations();
    const changes: { name?: string; name_key?: string; status?: string; settings?: string } = {};
    if (paths.has('name')) {
      checkOrganizationName(v, 'organization.name', given?.name);
      Object.assign(changes, organizationName(given?.name ?? ''));
    }
    if (paths.has('status')) {
      changes.status = given && ORG_STATUS.fromProto(given.status);
      if (!changes.status) v.add('organization.status', 'must be ACTIVE or SUSPENDED');
    }
    if (paths.has('settings')) {
      changes.settings = JSON.stringify(given?.settings ?? {});
      if (Buffer.byteLength(changes.settings) > SETTINGS_MAX_BYTES)
        v.add('organization.settings', `must be at most ${SETTINGS_MAX_BYTES} bytes as JSON`);
    }
    v.throwIfAny();

    const { organizationId } = principal;
    // Only your own organization can be updated; naming another is the same as naming none that exists.
    if (given?.id && given.id !== organizationId) throw notFound('organization');
    try {
      return await mutation(
        this.app.db,
        scopeOf(principal),
        {
          path: OrganizationServiceService.updateOrganization.path,
          request: UpdateOrganizationRequest,
          response: UpdateOrganizationResponse,
        },
        request,
        async (work) => {
          const current = await work.tx
            .selectFrom('organizations')
            .select(organizationColumns)
            .where('id', '=', organizationId)
            .forUpdate()
            .executeTakeFirst();
          if (!current) throw notFound('organization');
          checkEtag(given?.etag, current.version);
          const row = await work.tx
            .updateTable('organizations')
            .set({
              ...changes,
              ...(changes.settings !== undefined ? { settings: sql`${changes.settings}::jsonb` } : {}),
              updated_at: sql`now()`,
              version: sql`version + 1`,
            })
            .where('id', '=', organizationId)
            .returning(organizationColumns)
            .executeTakeFirstOrThrow();
          // Suspension (or reactivation) decides whether every credential of the organization works;
          // any other change shows in WhoAmI's cached answer, which carries the organization.
          work.afterCommit(() => this.principals.invalidateOrganization(organizationId));
          const organization = toOrganization(row);
          await recordChange(
            work,
            updated(ORGANIZATION, organizationJson(toOrganization(current)), organizationJson(organization)),
          );
          return { organization };
        },
      );
    } catch (error) {
      if (isUniqueViolation(error, 'organizations_name_key')) {
        throw alreadyExists('ORGANIZATION_NAME_TAKEN', 'Another organization already uses this name.');
      }
      throw error;
    }
  }
}

/**
 * The subscription tier is the platform operator's commercial decision, not the tenant's: a mask
 * naming it is refused as a whole (nothing else of the request is applied either).
 * @throws AppError PERMISSION_DENIED `OPERATOR_ONLY_FIELD` naming the field.
 */
function refuseOperatorOnly(mask: string[] | undefined): void {
  const paths = (mask ?? []).flatMap((p) => p.split(',')).map((p) => protoFieldPath(p.trim()));
  const field = OPERATOR_ONLY.find((f) => paths.includes(f));
  if (field) {
    throw new AppError(
      GrpcStatus.PERMISSION_DENIED,
      'OPERATOR_ONLY_FIELD',
      `The organization's ${field} is set by the platform operator (imsop org set-tier), not through the API.`,
      { metadata: { field } },
    );
  }
}

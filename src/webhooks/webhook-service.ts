import { sql } from 'kysely';
import {
  WebhookServiceService,
  type CreateWebhookSubscriptionRequest,
  type CreateWebhookSubscriptionResponse,
  type DeleteWebhookSubscriptionRequest,
  type DeleteWebhookSubscriptionResponse,
  type GetWebhookSubscriptionRequest,
  type GetWebhookSubscriptionResponse,
  type ListWebhookDeliveriesRequest,
  type ListWebhookDeliveriesResponse,
  type ListWebhookSubscriptionsRequest,
  type ListWebhookSubscriptionsResponse,
  type RedeliverEventRequest,
  type RedeliverEventResponse,
  type ReplayWebhookFromCursorRequest,
  type ReplayWebhookFromCursorResponse,
  type RotateWebhookSecretRequest,
  type RotateWebhookSecretResponse,
  type UpdateWebhookSubscriptionRequest,
  type UpdateWebhookSubscriptionResponse,
} from '../../gen/ts/imsop/events/v1/webhook_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { Principal } from '../platform/auth/principal.js';
import { decodeChangeCursor } from '../platform/change-feed/change-cursor.js';
import type { TenantScope } from '../platform/db/database.js';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import { AppError, GrpcStatus, invalidArgument } from '../platform/errors.js';
import { checkEtag } from '../platform/etag.js';
import { maskPaths } from '../platform/field-mask.js';
import { mutation, wireMethod } from '../platform/mutation.js';
import { resolvePageSize } from '../platform/pagination.js';
import { Violations } from '../platform/validation.js';
import { postChange, recordAttempt } from './delivery-attempt.js';
import { changeById, feedHead, requireRetainedCursor } from './feed-access.js';
import { deliveryColumns, subscriptionColumns, toDelivery, toSubscription, type SubscriptionRow } from './mappers.js';
import { newWebhookSecret } from './signature.js';
import {
  requireReadable,
  resolvedUrlProblem,
  SUBSCRIPTION_UPDATABLE,
  subscriptionValues,
  type UpdatablePath,
  wanted,
} from './subscription-rules.js';

/** How long a replaced secret keeps signing when the caller does not say (a day to switch receivers). */
const DEFAULT_PREVIOUS_SECRET_VALIDITY_MS = 24 * 3_600_000;
const MAX_PREVIOUS_SECRET_VALIDITY_MS = 7 * 24 * 3_600_000;

const subscriptionNotFound = () =>
  new AppError(GrpcStatus.NOT_FOUND, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND', 'webhook subscription not found.', {
    metadata: { resource: 'webhook subscription' },
  });
const eventNotFound = () =>
  new AppError(GrpcStatus.NOT_FOUND, 'CHANGE_EVENT_NOT_FOUND', 'change event not found.', {
    metadata: { resource: 'change event' },
  });

/**
 * Webhook subscriptions of the caller's organization (imsop.events.v1.WebhookService): their
 * CRUD, secrets, delivery log, manual redelivery and replay. Delivery itself is the dispatcher's
 * (dispatcher.ts); this only moves a subscription's cursor and retry state, which the dispatcher
 * reads at its next round.
 */
export class WebhookService {
  constructor(
    private readonly app: AppContext,
    private readonly wake: () => void,
  ) {}

  private get db() {
    return this.app.db;
  }

  private get allowPrivate() {
    return this.app.config.WEBHOOKS_ALLOW_PRIVATE_TARGETS;
  }

  /**
   * @throws AppError INVALID_ARGUMENT for bad or refused fields; PERMISSION_DENIED when the
   *   filters name events the caller may not read.
   */
  async create(
    principal: Principal,
    scope: TenantScope,
    request: CreateWebhookSubscriptionRequest,
  ): Promise<CreateWebhookSubscriptionResponse> {
    const v = new Violations();
    if (!request.subscription) v.add('subscription', 'is required').throwIfAny();
    const values = subscriptionValues(
      v,
      'subscription.',
      request.subscription!,
      ['url', 'description', 'event_types', 'resource_types'],
      this.allowPrivate,
    );
    v.throwIfAny();
    await this.#checkResolved('subscription.url', values.url!);
    requireReadable(principal.permissions, values.event_types!, values.resource_types!);
    const head = await feedHead(this.db, scope);
    return mutation(
      this.db,
      scope,
      wireMethod(WebhookServiceService.createWebhookSubscription),
      request,
      async (work) => {
        const secret = newWebhookSecret();
        const row = await work.tx
          .insertInto('webhook_subscriptions')
          .values({
            organization_id: scope.organizationId,
            url: values.url!,
            description: values.description ?? '',
            event_types: values.event_types!,
            resource_types: values.resource_types!,
            permissions: [...principal.permissions].sort(),
            secret,
            cursor_position: head.position,
            cursor_occurred_at: head.occurredAt,
            created_by: work.actor.id,
          })
          .returning(subscriptionColumns)
          .executeTakeFirstOrThrow();
        return { subscription: toSubscription(row), secret };
      },
    );
  }

  /** @throws AppError INVALID_ARGUMENT (id), NOT_FOUND `WEBHOOK_SUBSCRIPTION_NOT_FOUND`. */
  async get(scope: TenantScope, request: GetWebhookSubscriptionRequest): Promise<GetWebhookSubscriptionResponse> {
    new Violations().uuid('id', request.id).throwIfAny();
    return this.db.inTenant(scope, async (work) => ({
      subscription: toSubscription(await findSubscription(work, request.id)),
    }));
  }

  /** Oldest first, keyset-paged on (created_at, id). @throws AppError INVALID_ARGUMENT (page size, token). */
  async list(scope: TenantScope, request: ListWebhookSubscriptionsRequest): Promise<ListWebhookSubscriptionsResponse> {
    const size = resolvePageSize(request.pageSize);
    const binding = {
      organizationId: scope.organizationId,
      method: WebhookServiceService.listWebhookSubscriptions.path,
      filter: {},
    };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['timestamp', 'uuid']);
    return this.db.inTenant(scope, async (work) => {
      let query = work.tx
        .selectFrom('webhook_subscriptions')
        .select([...subscriptionColumns, sql<string>`created_at::text`.as('cursor_time')])
        .where('organization_id', '=', scope.organizationId);
      if (after) query = query.where(sql<boolean>`(created_at, id) > (${after[0]}::timestamptz, ${after[1]}::uuid)`);
      const rows = await query
        .orderBy('created_at')
        .orderBy('id')
        .limit(size + 1)
        .execute();
      const page = this.app.pageTokens.page(rows, size, binding, (r) => [r.cursor_time, r.id]);
      return { subscriptions: page.items.map(toSubscription), nextPageToken: page.nextPageToken };
    });
  }

  /**
   * @throws AppError INVALID_ARGUMENT (mask, values), NOT_FOUND, ABORTED `ETAG_MISMATCH`,
   *   PERMISSION_DENIED when new filters name events the caller may not read.
   */
  async update(
    principal: Principal,
    scope: TenantScope,
    request: UpdateWebhookSubscriptionRequest,
  ): Promise<UpdateWebhookSubscriptionResponse> {
    const paths = maskPaths(request.updateMask, SUBSCRIPTION_UPDATABLE) as Set<UpdatablePath>;
    const v = new Violations();
    if (!request.subscription) v.add('subscription', 'is required').throwIfAny();
    const s = request.subscription!;
    v.uuid('subscription.id', s.id);
    const values = subscriptionValues(v, 'subscription.', s, paths, this.allowPrivate);
    v.throwIfAny();
    if (values.url) await this.#checkResolved('subscription.url', values.url);
    const result = await mutation(
      this.db,
      scope,
      wireMethod(WebhookServiceService.updateWebhookSubscription),
      request,
      async (work) => {
        const current = await findSubscription(work, s.id, true);
        checkEtag(s.etag, current.version);
        const eventTypes = values.event_types ?? current.event_types;
        const resourceTypes = values.resource_types ?? current.resource_types;
        requireReadable(principal.permissions, eventTypes, resourceTypes);
        const activation =
          !paths.has('active') || s.active === current.active
            ? {}
            : s.active
              ? // Reactivation: a new run of attempts, due now, from where delivery stopped.
                {
                  active: true,
                  disabled_reason: '',
                  disabled_at: null,
                  failure_streak: 0,
                  next_attempt_at: sql<Date>`'-infinity'`,
                }
              : { active: false, disabled_reason: 'manual', disabled_at: sql<Date>`now()` };
        const row = await work.tx
          .updateTable('webhook_subscriptions')
          .set({
            ...values,
            ...activation,
            // It now acts for whoever changed it last: it delivers what they may read.
            permissions: [...principal.permissions].sort(),
            version: sql`version + 1`,
            updated_at: sql`now()`,
          })
          .where('organization_id', '=', scope.organizationId)
          .where('id', '=', current.id)
          .returning(subscriptionColumns)
          .executeTakeFirstOrThrow();
        return { subscription: toSubscription(row) };
      },
    );
    this.wake();
    return result;
  }

  /** @throws AppError INVALID_ARGUMENT (id), NOT_FOUND, ABORTED `ETAG_MISMATCH`. */
  delete(scope: TenantScope, request: DeleteWebhookSubscriptionRequest): Promise<DeleteWebhookSubscriptionResponse> {
    new Violations().uuid('id', request.id).throwIfAny();
    return mutation(
      this.db,
      scope,
      wireMethod(WebhookServiceService.deleteWebhookSubscription),
      request,
      async (work) => {
        const current = await findSubscription(work, request.id, true);
        checkEtag(request.etag, current.version);
        await work.tx
          .deleteFrom('webhook_subscriptions')
          .where('organization_id', '=', scope.organizationId)
          .where('id', '=', current.id)
          .execute();
        return {};
      },
    );
  }

  /** @throws AppError INVALID_ARGUMENT (id, validity), NOT_FOUND. */
  rotateSecret(scope: TenantScope, request: RotateWebhookSecretRequest): Promise<RotateWebhookSecretResponse> {
    const v = new Violations().uuid('id', request.id);
    const validity = request.previousSecretValidity;
    const validityMs = validity
      ? validity.seconds * 1000 + Math.floor(validity.nanos / 1e6)
      : DEFAULT_PREVIOUS_SECRET_VALIDITY_MS;
    if (validityMs < 0 || validityMs > MAX_PREVIOUS_SECRET_VALIDITY_MS)
      v.add('previous_secret_validity', 'must be between 0 and 7 days');
    v.throwIfAny();
    return mutation(this.db, scope, wireMethod(WebhookServiceService.rotateWebhookSecret), request, async (work) => {
      const current = await findSubscription(work, request.id, true);
      const secret = newWebhookSecret();
      const keepPrevious = validityMs > 0;
      const row = await work.tx
        .updateTable('webhook_subscriptions')
        .set({
          secret,
          previous_secret: keepPrevious ? sql<string>`secret` : null,
          previous_secret_expires_at: keepPrevious
            ? sql<Date>`now() + ${`${validityMs} milliseconds`}::interval`
            : null,
          version: sql`version + 1`,
          updated_at: sql`now()`,
        })
        .where('organization_id', '=', scope.organizationId)
        .where('id', '=', current.id)
        .returning(subscriptionColumns)
        .executeTakeFirstOrThrow();
      return { subscription: toSubscription(row), secret };
    });
  }

  /** Newest first, keyset-paged on (attempted_at, id). @throws AppError INVALID_ARGUMENT, NOT_FOUND. */
  async listDeliveries(
    scope: TenantScope,
    request: ListWebhookDeliveriesRequest,
  ): Promise<ListWebhookDeliveriesResponse> {
    const v = new Violations().uuid('subscription_id', request.subscriptionId).uuid('event_id', request.eventId, false);
    v.throwIfAny();
    const size = resolvePageSize(request.pageSize);
    const binding = {
      organizationId: scope.organizationId,
      method: WebhookServiceService.listWebhookDeliveries.path,
      filter: { subscription: request.subscriptionId, event: request.eventId },
    };
    const after = this.app.pageTokens.decode(request.pageToken, binding, ['timestamp', 'uuid']);
    return this.db.inTenant(scope, async (work) => {
      await findSubscription(work, request.subscriptionId);
      let query = work.tx
        .selectFrom('webhook_deliveries')
        .select([...deliveryColumns, sql<string>`attempted_at::text`.as('cursor_time')])
        .where('organization_id', '=', scope.organizationId)
        .where('subscription_id', '=', request.subscriptionId);
      if (request.eventId) query = query.where('event_id', '=', request.eventId);
      if (after) query = query.where(sql<boolean>`(attempted_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
      const rows = await query
        .orderBy('attempted_at', 'desc')
        .orderBy('id', 'desc')
        .limit(size + 1)
        .execute();
      const page = this.app.pageTokens.page(rows, size, binding, (r) => [r.cursor_time, r.id]);
      return { deliveries: page.items.map(toDelivery), nextPageToken: page.nextPageToken };
    });
  }

  /**
   * Sends one event now, outside the subscription's order, and logs the attempt. The POST
   * happens outside any transaction (a slow receiver holds no database connection); a retry
   * with the same request_id may POST again (receivers dedupe on the event id) but answers the
   * first attempt.
   * @throws AppError INVALID_ARGUMENT, NOT_FOUND `WEBHOOK_SUBSCRIPTION_NOT_FOUND` /
   *   `CHANGE_EVENT_NOT_FOUND`.
   */
  async redeliver(scope: TenantScope, request: RedeliverEventRequest): Promise<RedeliverEventResponse> {
    new Violations().uuid('subscription_id', request.subscriptionId).uuid('event_id', request.eventId).throwIfAny();
    const target = await this.db.inTenant(scope, (work) =>
      work.tx
        .selectFrom('webhook_subscriptions')
        .select(['url', 'secret', 'previous_secret', 'previous_secret_expires_at', 'permissions'])
        .where('organization_id', '=', scope.organizationId)
        .where('id', '=', request.subscriptionId)
        .executeTakeFirst(),
    );
    if (!target) throw subscriptionNotFound();
    const change = await changeById(this.db, scope, request.eventId);
    // Explicitly asked for, an event passes the subscription's filters, but never what the
    // permissions it acts with may not read.
    if (!change || !wanted({ event_types: [], resource_types: [], permissions: target.permissions }, change))
      throw eventNotFound();
    const result = await postChange(target.url, target, change, {
      timeoutMs: this.app.config.WEBHOOKS_TIMEOUT_MS,
      allowPrivateTargets: this.allowPrivate,
    });
    return mutation(this.db, scope, wireMethod(WebhookServiceService.redeliverEvent), request, async (work) => {
      await findSubscription(work, request.subscriptionId, true);
      return { delivery: toDelivery(await recordAttempt(work, request.subscriptionId, change, 'redelivery', result)) };
    });
  }

  /**
   * Moves the cursor; the dispatcher delivers from it at once (a retry in progress starts over).
   * @throws AppError INVALID_ARGUMENT (id, cursor), NOT_FOUND, OUT_OF_RANGE `CURSOR_EXPIRED`.
   */
  async replay(scope: TenantScope, request: ReplayWebhookFromCursorRequest): Promise<ReplayWebhookFromCursorResponse> {
    const v = new Violations().uuid('subscription_id', request.subscriptionId);
    if (!request.afterCursor) v.add('after_cursor', 'is required');
    v.throwIfAny();
    const cursor = decodeChangeCursor(request.afterCursor, 'after_cursor');
    requireRetainedCursor(this.app, cursor);
    const result = await mutation(
      this.db,
      scope,
      wireMethod(WebhookServiceService.replayWebhookFromCursor),
      request,
      async (work) => {
        const current = await findSubscription(work, request.subscriptionId, true);
        const row = await work.tx
          .updateTable('webhook_subscriptions')
          .set({
            cursor_position: cursor.position,
            cursor_occurred_at: new Date(cursor.occurredAtMs),
            next_attempt_at: sql<Date>`'-infinity'`,
            version: sql`version + 1`,
            updated_at: sql`now()`,
          })
          .where('organization_id', '=', scope.organizationId)
          .where('id', '=', current.id)
          .returning(subscriptionColumns)
          .executeTakeFirstOrThrow();
        return { subscription: toSubscription(row) };
      },
    );
    this.wake();
    return result;
  }

  /** The write-time DNS half of the SSRF check. @throws AppError INVALID_ARGUMENT on `field`. */
  async #checkResolved(field: string, url: string): Promise<void> {
    const problem = await resolvedUrlProblem(url, this.allowPrivate);
    if (problem) throw invalidArgument([{ field, description: problem }]);
  }
}

/** The subscription (locked for the rest of the transaction when `lock`). @throws AppError NOT_FOUND. */
async function findSubscription(work: UnitOfWork, id: string, lock = false): Promise<SubscriptionRow> {
  let query = work.tx
    .selectFrom('webhook_subscriptions')
    .select(subscriptionColumns)
    .where('organization_id', '=', work.tenant.organizationId)
    .where('id', '=', id);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw subscriptionNotFound();
  return row;
}

import { sql } from 'kysely';
import { WebhookSubscription } from '../../gen/ts/imsop/events/v1/webhook_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { BackgroundTask } from '../platform/background-task.js';
import { onPositioned, type StoredChange } from '../platform/change-feed/read-changes.js';
import type { TenantScope } from '../platform/db/database.js';
import { thenCommit } from '../platform/db/deferred-begin-dialect.js';
import { recordChange } from '../platform/change-feed/record-change.js';
import { postChange, recordAttempts, type Attempt } from './delivery-attempt.js';
import { changesAfter } from './feed-access.js';
import { Leadership, sleep } from './leadership.js';
import { subscriptionColumns, toSubscription } from './mappers.js';
import { wanted } from './subscription-rules.js';
import { retryDelayMs } from './retry-delay.js';
import { linkedSignal } from '../platform/linked-signal.js';

/** Any fixed number, the same on every instance (analytics uses 7_220_07x). */
const DISPATCHER_LOCK_KEY = 7_220_090;
/** Events read per visit of a subscription; a subscription with more stays due and is visited again. */
const EVENTS_PER_VISIT = 100;
/** Subscriptions asked for per round, beyond those in flight. */
const DUE_PER_ROUND = 500;

/**
 * Delivers the change feed to webhook subscriptions, on exactly one instance (Leadership: an
 * advisory-lock leader, like the feed's sequencer; one dispatcher sees every subscription's
 * state in one place, so ordering and retry timing need no coordination between replicas).
 *
 * Each round asks the database which active subscriptions are due (due_webhook_subscriptions:
 * events after their cursor, retry time reached) and visits each one not already in flight, up
 * to WEBHOOKS_MAX_CONCURRENT visits at once in all and ONE per subscription, which keeps its
 * events in feed order. A visit POSTs the subscription's next matching events one by one and
 * stops at the first failure, which it schedules for a retry (retry-delay.ts) or, after
 * WEBHOOKS_DISABLE_AFTER_FAILURES consecutive failures, answers by disabling the subscription
 * and recording `webhook.disabled`. POSTs happen outside any transaction and are bounded by
 * WEBHOOKS_TIMEOUT_MS, so a slow or dead receiver occupies one visit slot for at most that
 * long per attempt and never a database connection; the others keep flowing.
 *
 * Rounds start on the feed's wake-ups (events positioned, on any instance) for an organization
 * with an active subscription, on changes made through WebhookService on this instance, when a
 * visit ends or a retry comes due, and every WEBHOOKS_POLL_INTERVAL_MS (wake-ups from other
 * instances' API calls arrive by that poll). Which organizations have a subscription is read
 * again at most once a poll interval, and after each change through this instance: a wake-up
 * for the others starts no round (under a steady write load the feed wakes the dispatcher about a
 * hundred times a second, and each round is a query). A subscription made on another instance
 * meanwhile is served from the next poll on, as its other changes are.
 *
 * At least once: the cursor moves past an event only in the transaction that logs its
 * successful attempt, so a crash between the POST and that commit sends the event again, with
 * the same id.
 */
export class WebhookDispatcher implements BackgroundTask {
  readonly name = 'webhooks.dispatch';
  readonly #leadership: Leadership;
  readonly #inFlight = new Set<string>();
  /** The organizations with an active subscription as last read, when, and after how many changes. */
  #subscribed: { organizations: ReadonlySet<string>; readAt: number; changes: number } | undefined;
  /** Subscription changes through this instance so far: a read that one overtook is stale. */
  #changes = 0;
  #wake: () => void = () => {};
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly app: AppContext) {
    this.#leadership = new Leadership(app.db, DISPATCHER_LOCK_KEY, this.name, app.logger);
  }

  start(): void {
    this.#unsubscribe = onPositioned((_upTo, organizations) => {
      const subscribed = this.#freshSubscribed();
      if (!subscribed || organizations.some((organization) => subscribed.has(organization))) this.#wake();
    });
    this.#leadership.start((signal) => this.#lead(signal));
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await this.#leadership.stop();
  }

  /**
   * Asks for a round soon, after a subscription changed (a hint: nothing is lost without it, the
   * poll follows). The next round reads again which organizations have subscriptions.
   */
  wake(): void {
    this.#changes++;
    this.#wake();
  }

  /**
   * The organizations with a subscription, unless not read yet in this lead, read over a poll
   * interval ago, or overtaken by a change through this instance (then every wake-up counts).
   */
  #freshSubscribed(): ReadonlySet<string> | undefined {
    const read = this.#subscribed;
    const fresh =
      read?.changes === this.#changes && Date.now() - read.readAt < this.app.config.WEBHOOKS_POLL_INTERVAL_MS;
    return fresh ? read.organizations : undefined;
  }

  async #lead(signal: AbortSignal): Promise<void> {
    const visits = new Set<Promise<void>>();
    while (!signal.aborted) {
      const woken = new Promise<void>((resolve) => (this.#wake = resolve));
      try {
        if (!this.#freshSubscribed()) {
          // A change made while this reads may be missing from it: it is then stale at once.
          const [changes, readAt] = [this.#changes, Date.now()];
          this.#subscribed = { organizations: await this.#subscribedOrganizations(), readAt, changes };
        }
        for (const due of await this.#due()) {
          if (this.#inFlight.size >= this.app.config.WEBHOOKS_MAX_CONCURRENT) break;
          if (this.#inFlight.has(due.subscription_id)) continue;
          this.#inFlight.add(due.subscription_id);
          // Each visit follows the leader's signal through its own linked signal: the leader's
          // then holds one abort listener, not one per delivery in flight (up to
          // WEBHOOKS_MAX_CONCURRENT of them: MaxListenersExceededWarning past 10).
          const follows = linkedSignal([signal]);
          const visit = this.#visit({ organizationId: due.organization_id }, due.subscription_id, follows.signal)
            .catch((error: unknown) =>
              this.app.logger.error({ err: error, subscription: due.subscription_id }, 'webhook visit failed'),
            )
            .finally(() => {
              follows.release();
              this.#inFlight.delete(due.subscription_id);
              visits.delete(visit);
              this.#wake();
            });
          visits.add(visit);
        }
      } catch (error) {
        this.app.logger.warn({ err: error }, 'webhook dispatcher round failed');
      }
      await sleep(this.app.config.WEBHOOKS_POLL_INTERVAL_MS, signal, woken);
    }
    this.#wake = () => {};
    this.#subscribed = undefined;
    await Promise.allSettled([...visits]);
  }

  /** The subscriptions due now, across tenants (each query carries its COMMIT: one round trip). */
  #due(): Promise<{ organization_id: string; subscription_id: string }[]> {
    return this.app.db.withoutTenant(async (tx) => {
      const { rows } = await thenCommit(
        sql<{
          organization_id: string;
          subscription_id: string;
        }>`SELECT organization_id, subscription_id FROM due_webhook_subscriptions(${DUE_PER_ROUND}::integer)`,
      ).execute(tx);
      return rows;
    });
  }

  /** The organizations with an active subscription, across tenants (migrations/0017). */
  async #subscribedOrganizations(): Promise<ReadonlySet<string>> {
    const rows = await this.app.db.withoutTenant(
      async (tx) =>
        (
          await thenCommit(
            sql<{ organization_id: string }>`SELECT organization_id FROM webhook_subscribed_organizations()`,
          ).execute(tx)
        ).rows,
    );
    return new Set(rows.map((row) => row.organization_id));
  }

  /**
   * Delivers the subscription's next events in order until one fails or the batch ends. When
   * `signal` aborts (the service stops, or this instance stops leading), an attempt in flight is
   * abandoned and not logged: the event stays next, for whoever leads next.
   */
  async #visit(scope: TenantScope, id: string, signal: AbortSignal): Promise<void> {
    const { db, config } = this.app;
    const target = await db.inTenant(scope, (work) =>
      work.tx
        .selectFrom('webhook_subscriptions')
        .select([
          'url',
          'secret',
          'previous_secret',
          'previous_secret_expires_at',
          'event_types',
          'resource_types',
          'permissions',
          'active',
          'cursor_position',
          'next_attempt_at',
        ])
        .where('organization_id', '=', scope.organizationId)
        .where('id', '=', id)
        .executeTakeFirst(),
    );
    // Number(): pg reads the column's -infinity (due now) as -Infinity, not a Date.
    if (!target?.active || Number(target.next_attempt_at) > Date.now()) return;
    let cursor = Number(target.cursor_position);
    const events = await changesAfter(db, scope, cursor, EVENTS_PER_VISIT);

    // Attempts are logged (and the cursor moved) by one transaction at a time, while the next
    // POSTs go on: whatever finished while a log write ran goes into the next one. The receiver
    // still gets one event at a time, in order; a crash before a log write commits sends its
    // events again, with their ids (at least once, as before).
    const unlogged: Attempt[] = [];
    let logging: Promise<void> | undefined;
    let stopped = false;
    let logFailure: unknown;
    const logAll = async () => {
      try {
        while (unlogged.length > 0 && !stopped) {
          const batch = unlogged.splice(0);
          if (!(await this.#settle(scope, id, cursor, batch))) stopped = true;
          else cursor = batch.at(-1)!.change.position;
        }
      } finally {
        logging = undefined;
      }
    };
    const startLogging = () => {
      logging ??= logAll().catch((error: unknown) => {
        logFailure = error;
        stopped = true;
      });
    };

    let skipped: StoredChange | undefined;
    for (const change of events) {
      if (!wanted(target, change)) {
        skipped = change;
        continue;
      }
      if (signal.aborted || stopped) break;
      const result = await postChange(target.url, target, change, {
        timeoutMs: config.WEBHOOKS_TIMEOUT_MS,
        allowPrivateTargets: config.WEBHOOKS_ALLOW_PRIVATE_TARGETS,
        signal,
      });
      // An attempt cut short by the stop is not logged: the event stays next, for whoever leads next.
      if (signal.aborted) break;
      unlogged.push({ change, result });
      skipped = undefined;
      if (!result.ok) break;
      startLogging();
    }
    await logging;
    if (!stopped) await logAll().catch((error: unknown) => (logFailure = error));
    if (logFailure !== undefined) throw logFailure;
    if (skipped && !stopped && !signal.aborted) await this.#moveCursor(scope, id, cursor, skipped);
  }

  /**
   * Logs a run of attempts, in order, and moves the subscription on: past the last success; to a
   * later retry, or to disabled, when the run ends with a failure (only its last attempt can have
   * failed). Nothing happens when the subscription changed under the visit (deleted,
   * deactivated, or its cursor replayed elsewhere): the next visit starts afresh.
   * @returns whether the visit may go on with the next event.
   */
  async #settle(
    scope: TenantScope,
    id: string,
    expectedCursor: number,
    attempts: readonly Attempt[],
  ): Promise<boolean> {
    const { config, logger } = this.app;
    const last = attempts.at(-1)!;
    const delivered = last.result.ok ? last : attempts.at(-2);
    return this.app.db.inTenant(scope, async (work) => {
      const row = await work.tx
        .selectFrom('webhook_subscriptions')
        .select(['active', 'cursor_position', 'failure_streak'])
        .where('organization_id', '=', scope.organizationId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row?.active || Number(row.cursor_position) !== expectedCursor) return false;
      await recordAttempts(work, id, attempts, 'scheduled');
      const update = work.tx
        .updateTable('webhook_subscriptions')
        .where('organization_id', '=', scope.organizationId)
        .where('id', '=', id);
      const moved = delivered
        ? { cursor_position: delivered.change.position, cursor_occurred_at: delivered.change.occurredAt }
        : {};
      if (last.result.ok) {
        await update.set({ ...moved, failure_streak: 0, next_attempt_at: sql<Date>`'-infinity'` }).execute();
        return true;
      }
      const streak = (delivered ? 0 : row.failure_streak) + 1;
      if (streak >= config.WEBHOOKS_DISABLE_AFTER_FAILURES) {
        const disabled = await update
          .set({
            ...moved,
            failure_streak: streak,
            active: false,
            disabled_reason: 'failures',
            disabled_at: sql<Date>`now()`,
          })
          .returning(subscriptionColumns)
          .executeTakeFirstOrThrow();
        const subscription = toSubscription(disabled);
        await recordChange(work, {
          resourceType: 'webhook_subscription',
          resourceId: id,
          eventType: 'webhook.disabled',
          changeKind: 'event',
          etag: subscription.etag,
          resource: subscriptionJson(subscription),
        });
        logger.warn({ subscription: id, failures: streak }, 'webhook subscription disabled after failures');
        return false;
      }
      const delay = retryDelayMs(config.WEBHOOKS_RETRY_SCHEDULE, streak);
      await update
        .set({
          ...moved,
          failure_streak: streak,
          next_attempt_at: sql<Date>`now() + ${`${delay} milliseconds`}::interval`,
        })
        .execute();
      const timer = setTimeout(() => this.#wake(), delay + 5);
      timer.unref();
      return false;
    });
  }

  /** Moves the cursor past events the subscription does not take, unless it changed meanwhile. */
  async #moveCursor(scope: TenantScope, id: string, expectedCursor: number, to: StoredChange): Promise<void> {
    await this.app.db.inTenant(scope, (work) =>
      work.tx
        .updateTable('webhook_subscriptions')
        .set({ cursor_position: to.position, cursor_occurred_at: to.occurredAt })
        .where('organization_id', '=', scope.organizationId)
        .where('id', '=', id)
        .where('cursor_position', '=', expectedCursor)
        .execute(),
    );
  }
}

/** The subscription as its change events carry it: proto3 JSON, as grpcurl prints it. */
function subscriptionJson(subscription: WebhookSubscription): Record<string, unknown> {
  return WebhookSubscription.toJSON(subscription) as Record<string, unknown>;
}

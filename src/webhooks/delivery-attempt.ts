import { sql } from 'kysely';
import type { UnitOfWork } from '../platform/db/unit-of-work.js';
import type { StoredChange } from '../platform/change-feed/read-changes.js';
import { changeEventJson } from './feed-access.js';
import { sendWebhook, type SenderOptions, type WebhookResult } from './http-sender.js';
import { deliveryColumns, type DeliveryRow } from './mappers.js';
import { signatureHeader } from './signature.js';

/** The keys a subscription signs with now: its secret, and the previous one during a rotation. */
export interface SigningKeys {
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
}

export function signingSecrets(keys: SigningKeys, now = new Date()): string[] {
  return keys.previous_secret && keys.previous_secret_expires_at && keys.previous_secret_expires_at > now
    ? [keys.secret, keys.previous_secret]
    : [keys.secret];
}

/**
 * POSTs one change event to a receiver: the ChangeEvent in proto3 JSON as the body, signed
 * (signature.ts) with the event id as `webhook-id`, so every attempt of one event carries the
 * same id and a receiver dedupes on it. Never throws (http-sender.ts).
 */
export function postChange(
  url: string,
  keys: SigningKeys,
  change: StoredChange,
  options: SenderOptions,
): Promise<WebhookResult> {
  const body = JSON.stringify(changeEventJson(change));
  const timestamp = Math.floor(Date.now() / 1000);
  return sendWebhook(
    {
      url,
      body,
      headers: {
        'webhook-id': change.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(signingSecrets(keys), change.id, timestamp, body),
      },
    },
    options,
  );
}

/** One attempt to log: the event tried and how it ended. */
export interface Attempt {
  change: StoredChange;
  result: WebhookResult;
}

/**
 * Appends one attempt to the delivery log, numbered after the attempts of the same event to the
 * same subscription (the caller holds the subscription's row lock, so numbers never collide).
 */
export async function recordAttempt(
  work: UnitOfWork,
  subscriptionId: string,
  change: StoredChange,
  trigger: 'scheduled' | 'redelivery',
  result: WebhookResult,
): Promise<DeliveryRow> {
  const [row] = await recordAttempts(work, subscriptionId, [{ change, result }], trigger);
  return row!;
}

/**
 * Appends attempts of distinct events, in the order given, in one statement (the dispatcher logs
 * a run of deliveries at once); numbered as recordAttempt numbers them.
 */
export async function recordAttempts(
  work: UnitOfWork,
  subscriptionId: string,
  attempts: readonly Attempt[],
  trigger: 'scheduled' | 'redelivery',
): Promise<DeliveryRow[]> {
  if (attempts.length === 0) return [];
  const { organizationId } = work.tenant;
  return work.tx
    .insertInto('webhook_deliveries')
    .values(
      attempts.map(({ change, result }) => ({
        organization_id: organizationId,
        subscription_id: subscriptionId,
        event_id: change.id,
        event_position: change.position,
        event_occurred_at: change.occurredAt,
        event_type: change.eventType,
        attempt: sql<number>`1 + (SELECT count(*) FROM webhook_deliveries d
          WHERE d.organization_id = ${organizationId} AND d.subscription_id = ${subscriptionId} AND d.event_id = ${change.id})::int`,
        trigger,
        outcome: result.ok ? ('succeeded' as const) : ('failed' as const),
        response_code: result.responseCode,
        latency_ms: Math.min(result.latencyMs, 2_147_483_647),
        error: result.error.slice(0, 1000),
        // Each row its own time, in the order given (the log lists newest first by it): the
        // transaction's now() would give a whole run one time and leave its order to the ids.
        attempted_at: sql<Date>`clock_timestamp()`,
      })),
    )
    .returning(deliveryColumns)
    .execute();
}

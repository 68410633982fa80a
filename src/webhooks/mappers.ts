import {
  WebhookDeliveryOutcome,
  WebhookDeliveryTrigger,
  WebhookDisabledReason,
  type WebhookDelivery,
  type WebhookSubscription,
} from '../../gen/ts/imsop/events/v1/webhook_service.js';
import { encodeChangeCursor } from '../platform/change-feed/change-cursor.js';
import type { SelectedRow } from '../platform/db/table-row.js';
import { enumMapping } from '../platform/enum-mapping.js';
import { formatEtag } from '../platform/etag.js';

/**
 * Database rows <-> proto resources of webhooks. The column lists are what every query selects
 * (never the secrets: those are read only by the code that signs).
 */
export const subscriptionColumns = [
  'id',
  'url',
  'description',
  'event_types',
  'resource_types',
  'active',
  'disabled_reason',
  'disabled_at',
  'failure_streak',
  'cursor_position',
  'cursor_occurred_at',
  'next_attempt_at',
  'previous_secret_expires_at',
  'version',
  'created_at',
  'updated_at',
] as const;
export type SubscriptionRow = SelectedRow<'webhook_subscriptions', typeof subscriptionColumns>;

export const deliveryColumns = [
  'id',
  'subscription_id',
  'event_id',
  'event_type',
  'event_position',
  'event_occurred_at',
  'attempt',
  'trigger',
  'outcome',
  'response_code',
  'latency_ms',
  'error',
  'attempted_at',
] as const;
export type DeliveryRow = SelectedRow<'webhook_deliveries', typeof deliveryColumns>;

export const DISABLED_REASON = enumMapping(
  {
    failures: WebhookDisabledReason.WEBHOOK_DISABLED_REASON_FAILURES,
    manual: WebhookDisabledReason.WEBHOOK_DISABLED_REASON_MANUAL,
  },
  WebhookDisabledReason.WEBHOOK_DISABLED_REASON_UNSPECIFIED,
);
const TRIGGER = enumMapping(
  {
    scheduled: WebhookDeliveryTrigger.WEBHOOK_DELIVERY_TRIGGER_SCHEDULED,
    redelivery: WebhookDeliveryTrigger.WEBHOOK_DELIVERY_TRIGGER_REDELIVERY,
  },
  WebhookDeliveryTrigger.WEBHOOK_DELIVERY_TRIGGER_UNSPECIFIED,
);
const OUTCOME = enumMapping(
  {
    succeeded: WebhookDeliveryOutcome.WEBHOOK_DELIVERY_OUTCOME_SUCCEEDED,
    failed: WebhookDeliveryOutcome.WEBHOOK_DELIVERY_OUTCOME_FAILED,
  },
  WebhookDeliveryOutcome.WEBHOOK_DELIVERY_OUTCOME_UNSPECIFIED,
);

/** A feed position as the cursor clients see (the feed's own encoding). */
export function cursorOf(position: string | number, occurredAt: Date): string {
  return encodeChangeCursor({ position: Number(position), occurredAtMs: occurredAt.getTime() });
}

export function toSubscription(row: SubscriptionRow): WebhookSubscription {
  // Number(): pg reads the column's -infinity (due now) as -Infinity, not a Date.
  const waiting = row.active && Number(row.next_attempt_at) > Date.now();
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    resourceTypes: row.resource_types,
    active: row.active,
    disabledReason: DISABLED_REASON.toProto(row.disabled_reason || null),
    disableTime: row.disabled_at ?? undefined,
    failureStreak: row.failure_streak,
    cursor: cursorOf(row.cursor_position, row.cursor_occurred_at),
    nextAttemptTime: waiting ? row.next_attempt_at : undefined,
    previousSecretExpireTime:
      row.previous_secret_expires_at && row.previous_secret_expires_at.getTime() > Date.now()
        ? row.previous_secret_expires_at
        : undefined,
    createTime: row.created_at,
    updateTime: row.updated_at,
    etag: formatEtag(row.version),
  };
}

export function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    eventId: row.event_id,
    eventType: row.event_type,
    eventCursor: cursorOf(row.event_position, row.event_occurred_at),
    attempt: row.attempt,
    trigger: TRIGGER.toProto(row.trigger),
    outcome: OUTCOME.toProto(row.outcome),
    responseCode: row.response_code,
    latencyMs: row.latency_ms,
    error: row.error,
    attemptTime: row.attempted_at,
  };
}

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { WebhookSubscription } from '../../gen/ts/imsop/events/v1/webhook_service.js';
import { CHANGE_EVENT_TYPES, CHANGE_RESOURCE_TYPES } from '../platform/change-feed/change-event-types.js';
import { permissionDenied } from '../platform/errors.js';
import type { Violations } from '../platform/validation.js';
import { forbiddenAddress, forbiddenUrl } from './target-guard.js';

/** The fields UpdateWebhookSubscription may change (proto field names). */
export const SUBSCRIPTION_UPDATABLE = ['url', 'description', 'event_types', 'resource_types', 'active'] as const;
export type UpdatablePath = (typeof SUBSCRIPTION_UPDATABLE)[number];

const MAX_FILTER_ENTRIES = 100;
/** How long a written URL's name may take to resolve before it is accepted unchecked (checked again at delivery). */
const WRITE_TIME_LOOKUP_MS = 2000;

/** The stored values of the fields in `paths`, each checked; problems go to `v` under `prefix`. */
export function subscriptionValues(
  v: Violations,
  prefix: string,
  s: WebhookSubscription,
  paths: ReadonlySet<string> | readonly string[],
  allowPrivateTargets: boolean,
): { url?: string; description?: string; event_types?: string[]; resource_types?: string[] } {
  const has = (p: UpdatablePath) => (paths instanceof Set ? paths.has(p) : (paths as readonly string[]).includes(p));
  const values: ReturnType<typeof subscriptionValues> = {};
  if (has('url')) {
    const url = s.url.trim();
    if (!url) v.add(`${prefix}url`, 'is required');
    else if (url.length > 2000) v.add(`${prefix}url`, 'must be at most 2000 characters');
    else {
      const why = forbiddenUrl(url, allowPrivateTargets);
      if (why) v.add(`${prefix}url`, why);
      else values.url = url;
    }
  }
  if (has('description')) {
    v.maxChars(`${prefix}description`, s.description, 500);
    values.description = s.description.trim();
  }
  if (has('event_types')) {
    values.event_types = known(v, `${prefix}event_types`, s.eventTypes, CHANGE_EVENT_TYPES, 'event type');
  }
  if (has('resource_types')) {
    values.resource_types = known(
      v,
      `${prefix}resource_types`,
      s.resourceTypes,
      CHANGE_RESOURCE_TYPES,
      'resource type',
    );
  }
  return values;
}

function known(v: Violations, field: string, given: readonly string[], catalogue: object, what: string): string[] {
  const entries = [...new Set(given.map((g) => g.trim()))];
  if (entries.length > MAX_FILTER_ENTRIES) v.add(field, `must name at most ${MAX_FILTER_ENTRIES} entries`);
  entries.forEach((entry) => {
    if (!Object.hasOwn(catalogue, entry))
      v.add(field, `"${entry.slice(0, 100)}" is not a known ${what} (see docs/change-events.md)`);
  });
  return entries.sort();
}

/**
 * Refuses a filter that names, by resource type or event type, events the caller may not read:
 * a subscription delivers only what its creator may read, and silently filtering out what it
 * asked for by name would look like a broken webhook.
 * @throws AppError PERMISSION_DENIED naming the first missing read permission.
 */
export function requireReadable(
  permissions: readonly string[],
  eventTypes: readonly string[],
  resourceTypes: readonly string[],
) {
  const named = new Set<string>(resourceTypes);
  for (const type of eventTypes) {
    const info = CHANGE_EVENT_TYPES[type as keyof typeof CHANGE_EVENT_TYPES];
    if (info) named.add(info.resourceType);
  }
  for (const resource of named) {
    const needed = CHANGE_RESOURCE_TYPES[resource as keyof typeof CHANGE_RESOURCE_TYPES]?.readPermission;
    if (needed && !permissions.includes(needed)) throw permissionDenied(needed);
  }
}

/**
 * The write-time half of the SSRF check for a host name: when it resolves now, none of its
 * addresses may be forbidden. A name that does not resolve (yet) is accepted: delivery checks
 * every address again after resolving it, and refuses the connection then.
 */
export async function resolvedUrlProblem(url: string, allowPrivateTargets: boolean): Promise<string | undefined> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return undefined;
  const addresses = await Promise.race([
    lookup(host, { all: true }).catch(() => []),
    new Promise<[]>((resolve) => setTimeout(() => resolve([]), WRITE_TIME_LOOKUP_MS).unref()),
  ]);
  for (const { address } of addresses) {
    const why = forbiddenAddress(address, allowPrivateTargets);
    if (why) return `resolves to a forbidden address: ${why}`;
  }
  return undefined;
}

/**
 * Whether a subscription takes an event: its filters match (empty matches all), and the
 * permissions it acts with may read the event's resource type (an unknown type: no).
 */
export function wanted(
  target: { event_types: readonly string[]; resource_types: readonly string[]; permissions: readonly string[] },
  change: { eventType: string; resourceType: string },
): boolean {
  if (target.event_types.length > 0 && !target.event_types.includes(change.eventType)) return false;
  if (target.resource_types.length > 0 && !target.resource_types.includes(change.resourceType)) return false;
  const type = CHANGE_RESOURCE_TYPES[change.resourceType as keyof typeof CHANGE_RESOURCE_TYPES];
  return type !== undefined && target.permissions.includes(type.readPermission);
}

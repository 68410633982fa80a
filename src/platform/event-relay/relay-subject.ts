/**
 * The JetStream subject of a change event: `<prefix>.<organization_id>.<resource_type>.<event_type>`,
 * so a consumer subscribes to one tenant (`imsop.events.<org>.>`), one resource type across tenants
 * (`imsop.events.*.stock_level.>`) or one event type (`imsop.events.*.*.stock_reserved`). The
 * prefix is validated as dotted tokens by config (EVENTS_NATS_SUBJECT_PREFIX).
 */
export function relaySubject(
  prefix: string,
  change: { organizationId: string; resourceType: string; eventType: string },
): string {
  return `${prefix}.${subjectToken(change.organizationId)}.${subjectToken(change.resourceType)}.${subjectToken(change.eventType)}`;
}

/**
 * One subject token. NATS splits subjects on `.` and gives `*`, `>` and whitespace a meaning, so
 * every character outside letters, digits, `_` and `-` becomes `_` (`stock.reserved` ->
 * `stock_reserved`); never empty. The exact values travel in the message's headers and body.
 */
export function subjectToken(value: string): string {
  return value === '' ? '_' : value.replace(/[^A-Za-z0-9_-]/g, '_');
}

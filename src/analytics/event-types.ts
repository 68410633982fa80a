/** Prefixes (up to the first dot) no client event type may use. */
export const RESERVED_EVENT_NAMESPACES: readonly string[] = [
  'identity',
  'inventory',
  'procurement',
  'shipments',
  'analytics',
];

/** Dotted lower-case segments, as the analytics_events CHECK constraint allows. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
export const EVENT_TYPE_MAX_CHARS = 100;
export const ENTITY_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
export const ENTITY_ID_MAX_CHARS = 200;

import { z } from 'zod';
import { parseAddressRange, type AddressRange } from './grpc/client-address.js';

/**
 * Configuration, read once from environment variables and validated at start. Every bad value
 * is reported by variable name with a clear message; nothing else in src/ reads process.env.
 */

const bool = (name: string) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: `${name} must be true or false` })
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `${name} must be a whole number` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `${name} must be at least ${min}` })
        .max(max, { error: `${name} must be at most ${max}` }),
    );

const url = (name: string, protocols: string[], what: string) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: `${name} is not a valid ${what} URL (expected ${protocols.map((p) => p + '//').join(' or ')}...)` },
  );

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Comma-separated durations with a unit (250ms, 5s, 30m, 2h), at least one, each at most a week. */
const durations = (name: string) =>
  z.string().transform((v, ctx): number[] => {
    const values: number[] = [];
    for (const entry of v.split(',').map((e) => e.trim())) {
      const match = /^(\d{1,9})(ms|s|m|h)$/.exec(entry);
      const ms = match ? Number(match[1]) * DURATION_UNITS_MS[match[2]!]! : NaN;
      if (Number.isFinite(ms) && ms <= 7 * 24 * 3_600_000) values.push(ms);
      else
        ctx.addIssue({
          code: 'custom',
          message: `${name}: "${entry}" is not a duration of at most a week with a unit (e.g. 500ms, 5s, 30m, 2h)`,
        });
    }
    return values;
  });

/** Comma-separated NATS server URLs (nats:// or tls://); every bad entry is named. */
const natsServers = (name: string) =>
  z.string().transform((v, ctx): string[] => {
    const servers = v
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    for (const entry of servers) {
      let ok = false;
      try {
        const parsed = new URL(entry);
        ok = ['nats:', 'tls:'].includes(parsed.protocol) && parsed.hostname !== '';
      } catch {
        ok = false;
      }
      if (!ok)
        ctx.addIssue({
          code: 'custom',
          message: `${name}: "${redactUrl(entry)}" is not a NATS URL (expected nats://host:4222 or tls://host:4222)`,
        });
    }
    if (servers.length === 0) ctx.addIssue({ code: 'custom', message: `${name} names no server` });
    return servers;
  });

/** A URL as it may be shown in an error: without its password. */
function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

/** Comma-separated addresses or CIDR ranges, IPv4 or IPv6; every bad entry is named. */
const addressRanges = (name: string) =>
  z.string().transform((v, ctx): AddressRange[] => {
    const ranges: AddressRange[] = [];
    for (const entry of v
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '')) {
      const range = parseAddressRange(entry);
      if (range) ranges.push(range);
      else
        ctx.addIssue({
          code: 'custom',
          message: `${name}: "${entry}" is not an IPv4 or IPv6 address or CIDR range (e.g. 10.0.0.0/8, fd00::/8)`,
        });
    }
    return ranges;
  });

const fields = z.object({
  IMSOP_HOST: z.string().min(1).default('127.0.0.1'),
  IMSOP_PORT: int('IMSOP_PORT', 0, 65535).default(50051),
  // Server processes sharing IMSOP_PORT (src/cluster.ts); more than 1 needs REDIS_URL.
  IMSOP_WORKERS: int('IMSOP_WORKERS', 1, 256).default(1),
  // Whether this process runs the background tasks (reservation expiry, aggregation, retention);
  // with IMSOP_WORKERS > 1 exactly one worker does, whatever is set here.
  BACKGROUND_TASKS: bool('BACKGROUND_TASKS').default(true),
  DATABASE_URL: url('DATABASE_URL', ['postgres:', 'postgresql:'], 'postgres').optional(),
  DATABASE_APP_PASSWORD: z
    .string()
    .min(12, { error: 'DATABASE_APP_PASSWORD must be at least 12 characters' })
    .optional(),
  // Roles <prefix>_owner and <prefix>_app are cluster-global: installations sharing one
  // PostgreSQL server need distinct prefixes. Lower-case so they never need quoting.
  DATABASE_ROLE_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,56}$/, {
      error: 'DATABASE_ROLE_PREFIX must be a lower-case letter then up to 56 lower-case letters, digits or _',
    })
    .default('imsop'),
  DATABASE_CA_FILE: z.string().min(1).optional(),
  DATABASE_CA_PEM: z.string().min(1).optional(),
  DATABASE_POOL_MAX: int('DATABASE_POOL_MAX', 1, 1000).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: int('DATABASE_STATEMENT_TIMEOUT_MS', 0, 3_600_000).default(30_000),
  DATABASE_POOL_WAIT_MS: int('DATABASE_POOL_WAIT_MS', 100, 600_000).default(5_000),
  MIGRATE_ON_START: bool('MIGRATE_ON_START').default(true),
  // Signs page tokens (src/platform/page-token-secret.ts); _PREVIOUS still verifies during a rotation.
  PAGE_TOKEN_SECRET: z.string().min(32, { error: 'PAGE_TOKEN_SECRET must be at least 32 characters' }).optional(),
  PAGE_TOKEN_SECRET_PREVIOUS: z
    .string()
    .min(32, { error: 'PAGE_TOKEN_SECRET_PREVIOUS must be at least 32 characters' })
    .optional(),
  REDIS_URL: url('REDIS_URL', ['redis:', 'rediss:'], 'redis').optional(),
  REDIS_CA_FILE: z.string().min(1).optional(),
  REDIS_CA_PEM: z.string().min(1).optional(),
  IMSOP_DATA_DIR: z.string().min(1).default('.imsop'),
  EMBEDDED_PG_PORT: int('EMBEDDED_PG_PORT', 1, 65535).default(54329),
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
      error: 'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent',
    })
    .default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty'], { error: 'LOG_FORMAT must be auto, json or pretty' }).default('auto'),
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  BCRYPT_COST: int('BCRYPT_COST', 4, 15).default(12),
  ACCESS_TOKEN_TTL_SECONDS: int('ACCESS_TOKEN_TTL_SECONDS', 60, 30 * 24 * 3600).default(8 * 3600),
  // Sign-in throttling (src/identity/login-throttle.ts): attempts per account, failures per
  // source address, both per fixed window.
  LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: int('LOGIN_MAX_ATTEMPTS_PER_ACCOUNT', 1, 1000).default(10),
  LOGIN_MAX_FAILURES_PER_ADDRESS: int('LOGIN_MAX_FAILURES_PER_ADDRESS', 1, 100_000).default(100),
  LOGIN_THROTTLE_WINDOW_SECONDS: int('LOGIN_THROTTLE_WINDOW_SECONDS', 1, 24 * 3600).default(900),
  // Password checks one source address may have running or waiting at once (fair hashing).
  LOGIN_MAX_CONCURRENT_PER_ADDRESS: int('LOGIN_MAX_CONCURRENT_PER_ADDRESS', 1, 10_000).default(8),
  // Reverse proxies / load balancers whose x-forwarded-for names the client (client-address.ts).
  TRUSTED_PROXIES: addressRanges('TRUSTED_PROXIES').default([]),
  SHUTDOWN_GRACE_MS: int('SHUTDOWN_GRACE_MS', 0, 600_000).default(10_000),
  GRPC_MAX_MESSAGE_BYTES: int('GRPC_MAX_MESSAGE_BYTES', 1024, 64 * 1024 * 1024).default(4 * 1024 * 1024),
  // Stream bounds (src/platform/grpc/stream-limits.ts, per server instance): concurrent calls on
  // one HTTP/2 connection, concurrent streaming calls per caller address, principal,
  // organization and in all; then what one stream may buffer for a client that reads slowly.
  GRPC_MAX_CONCURRENT_STREAMS_PER_CONNECTION: int('GRPC_MAX_CONCURRENT_STREAMS_PER_CONNECTION', 1, 100_000).default(
    100,
  ),
  STREAMS_MAX_PER_ADDRESS: int('STREAMS_MAX_PER_ADDRESS', 1, 1_000_000).default(1000),
  STREAMS_MAX_PER_PRINCIPAL: int('STREAMS_MAX_PER_PRINCIPAL', 1, 1_000_000).default(1000),
  STREAMS_MAX_PER_ORGANIZATION: int('STREAMS_MAX_PER_ORGANIZATION', 1, 1_000_000).default(2000),
  STREAMS_MAX_TOTAL: int('STREAMS_MAX_TOTAL', 1, 1_000_000).default(10_000),
  STREAM_WATCH_BUFFER_EVENTS: int('STREAM_WATCH_BUFFER_EVENTS', 1, 1_000_000).default(1000),
  STREAM_FEED_BUFFER_EVENTS: int('STREAM_FEED_BUFFER_EVENTS', 1, 1_000_000).default(10_000),
  STREAM_SCANNER_BACKLOG_BYTES: int('STREAM_SCANNER_BACKLOG_BYTES', 1024, 1024 * 1024 * 1024).default(1024 * 1024),
  STREAM_SCANNER_ACK_WAIT_MS: int('STREAM_SCANNER_ACK_WAIT_MS', 100, 3_600_000).default(30_000),
  // How often an open stream re-checks its caller's credential even when no change was
  // signalled (src/platform/grpc/principal-guard.ts).
  STREAM_REAUTH_INTERVAL_MS: int('STREAM_REAUTH_INTERVAL_MS', 50, 3_600_000).default(30_000),
  // How often expired stock reservations are swept (src/inventory/reservation-expiry.ts); 0: never.
  RESERVATION_SWEEP_INTERVAL_MS: int('RESERVATION_SWEEP_INTERVAL_MS', 0, 3_600_000).default(1000),
  // How often lots past their expiry date are handled (src/inventory/lot-expiry.ts): their
  // available stock moved to the warehouse's hold location LOT_EXPIRY_HOLD_LOCATION_CODE (created
  // on first need) and a lot-expired event recorded; 0: never.
  LOT_EXPIRY_INTERVAL_MS: int('LOT_EXPIRY_INTERVAL_MS', 0, 7 * 24 * 3_600_000).default(3_600_000),
  LOT_EXPIRY_HOLD_LOCATION_CODE: z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9._/-]{0,63}$/, {
      error: 'LOT_EXPIRY_HOLD_LOCATION_CODE must be a location code (A-Z, 0-9, . _ / -)',
    })
    .default('EXPIRED'),
  // How often the threshold events recorded by a sweep are looked for (docs/change-events.md):
  // purchase orders gone late (src/procurement/late-orders.ts) and shipments past their expected
  // delivery (src/shipments/delayed-shipments.ts); 0: never.
  PURCHASE_ORDER_LATE_SWEEP_INTERVAL_MS: int('PURCHASE_ORDER_LATE_SWEEP_INTERVAL_MS', 0, 24 * 3_600_000).default(
    300_000,
  ),
  SHIPMENT_DELAY_SWEEP_INTERVAL_MS: int('SHIPMENT_DELAY_SWEEP_INTERVAL_MS', 0, 24 * 3_600_000).default(60_000),
  // Concurrent reservations of one stock level applied together, one statement and one commit
  // (src/inventory/reservation-batch.ts); off: each in its own transaction.
  RESERVATION_COALESCING: z.enum(['on', 'off'], { error: 'RESERVATION_COALESCING must be on or off' }).default('on'),
  // Analytics (src/analytics/): how often the daily metrics of today and yesterday are
  // aggregated, and retention (design rule 9): how often it runs, the windows in calendar months
  // after which rows move to the archive, and rows per batch. Intervals of 0 turn a job off.
  ANALYTICS_AGGREGATION_INTERVAL_MS: int('ANALYTICS_AGGREGATION_INTERVAL_MS', 0, 7 * 24 * 3_600_000).default(900_000),
  RETENTION_INTERVAL_MS: int('RETENTION_INTERVAL_MS', 0, 30 * 24 * 3_600_000).default(24 * 3_600_000),
  RETENTION_PURCHASE_ORDER_MONTHS: int('RETENTION_PURCHASE_ORDER_MONTHS', 1, 1200).default(24),
  RETENTION_TRACKING_POINT_MONTHS: int('RETENTION_TRACKING_POINT_MONTHS', 1, 1200).default(12),
  RETENTION_ANALYTICS_EVENT_MONTHS: int('RETENTION_ANALYTICS_EVENT_MONTHS', 1, 1200).default(6),
  RETENTION_BATCH_SIZE: int('RETENTION_BATCH_SIZE', 1, 100_000).default(1000),
  // The change feed (src/platform/change-feed/): how long events are kept (cursors older than
  // that are refused with CURSOR_EXPIRED) and how often the expired ones are purged (0: never).
  CHANGE_FEED_RETENTION_DAYS: int('CHANGE_FEED_RETENTION_DAYS', 1, 3650).default(7),
  // How long WatchChanges waits for a client that reads nothing while events wait, before ending
  // it with WATCHER_TOO_SLOW (it resumes from the cursor it got).
  CHANGE_FEED_WATCH_PATIENCE_MS: int('CHANGE_FEED_WATCH_PATIENCE_MS', 50, 3_600_000).default(30_000),
  CHANGE_FEED_PURGE_INTERVAL_MS: int('CHANGE_FEED_PURGE_INTERVAL_MS', 0, 7 * 24 * 3_600_000).default(3_600_000),
  METRICS_ENABLED: bool('METRICS_ENABLED').default(true),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: int('METRICS_PORT', 0, 65535).default(9464),
  // Tracing (src/platform/tracing.ts): spans are exported over OTLP/HTTP only when an endpoint is set.
  OTEL_EXPORTER_OTLP_ENDPOINT: url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:'], 'http(s)').optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('imsop'),
  // Health (src/platform/db/database-watchdog.ts): how often PostgreSQL is pinged, and how long it
  // may stay unreachable before health turns NOT_SERVING (0: never).
  HEALTH_DATABASE_CHECK_INTERVAL_MS: int('HEALTH_DATABASE_CHECK_INTERVAL_MS', 100, 600_000).default(5_000),
  HEALTH_DATABASE_UNREACHABLE_MS: int('HEALTH_DATABASE_UNREACHABLE_MS', 0, 3_600_000).default(15_000),
  // Webhooks (src/webhooks/): whether receivers may be private, loopback or unique-local
  // addresses (never link-local, multicast or unspecified ones); the retry delays after each
  // failed attempt (the last repeats); how many consecutive failed attempts disable a
  // subscription; the time one attempt may take; attempts in flight at once in all.
  WEBHOOKS_ALLOW_PRIVATE_TARGETS: bool('WEBHOOKS_ALLOW_PRIVATE_TARGETS').default(false),
  WEBHOOKS_RETRY_SCHEDULE: durations('WEBHOOKS_RETRY_SCHEDULE').default([
    5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
  ]),
  WEBHOOKS_DISABLE_AFTER_FAILURES: int('WEBHOOKS_DISABLE_AFTER_FAILURES', 1, 1000).default(8),
  WEBHOOKS_TIMEOUT_MS: int('WEBHOOKS_TIMEOUT_MS', 100, 120_000).default(10_000),
  WEBHOOKS_MAX_CONCURRENT: int('WEBHOOKS_MAX_CONCURRENT', 1, 10_000).default(32),
  // Days the webhook delivery log keeps each attempt (pruned hourly).
  WEBHOOKS_LOG_RETENTION_DAYS: int('WEBHOOKS_LOG_RETENTION_DAYS', 1, 3650).default(30),
  // How often the webhook dispatcher looks for work when no wake-up arrives.
  WEBHOOKS_POLL_INTERVAL_MS: int('WEBHOOKS_POLL_INTERVAL_MS', 10, 600_000).default(1000),
  // The change feed's relay to NATS JetStream (src/platform/event-relay/), off unless a URL is
  // set: the servers (comma-separated nats:// or tls:// URLs, credentials in the first one), the
  // stream it publishes to (created when missing unless told not to), the subjects' first tokens,
  // and how far behind it may fall before its health entry turns NOT_SERVING.
  EVENTS_NATS_URL: natsServers('EVENTS_NATS_URL').optional(),
  EVENTS_NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, {
      error: 'EVENTS_NATS_STREAM must be 1 to 64 letters, digits, _ or - (a JetStream stream name)',
    })
    .default('IMSOP_EVENTS'),
  EVENTS_NATS_SUBJECT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$/, {
      error:
        'EVENTS_NATS_SUBJECT_PREFIX must be 1 to 8 dot-separated tokens of letters, digits, _ or - (e.g. imsop.events)',
    })
    .default('imsop.events'),
  EVENTS_NATS_CREATE_STREAM: bool('EVENTS_NATS_CREATE_STREAM').default(true),
  EVENTS_NATS_MAX_LAG_SECONDS: int('EVENTS_NATS_MAX_LAG_SECONDS', 1, 7 * 24 * 3600).default(300),
});

const schema = fields.superRefine((c, ctx) => {
  if (c.DATABASE_URL && !c.DATABASE_APP_PASSWORD) {
    ctx.addIssue({
      code: 'custom',
      path: ['DATABASE_APP_PASSWORD'],
      message: `DATABASE_APP_PASSWORD is required when DATABASE_URL is set (the password of the ${c.DATABASE_ROLE_PREFIX}_app role)`,
    });
  }
  if (c.PAGE_TOKEN_SECRET_PREVIOUS && !c.PAGE_TOKEN_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['PAGE_TOKEN_SECRET_PREVIOUS'],
      message: 'PAGE_TOKEN_SECRET_PREVIOUS needs PAGE_TOKEN_SECRET (the new secret) to be set too',
    });
  }
  if (c.DATABASE_CA_FILE && c.DATABASE_CA_PEM) {
    ctx.addIssue({
      code: 'custom',
      path: ['DATABASE_CA_PEM'],
      message: 'DATABASE_CA_FILE and DATABASE_CA_PEM are alternatives: set one',
    });
  }
  if (c.REDIS_CA_FILE && c.REDIS_CA_PEM) {
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_CA_PEM'],
      message: 'REDIS_CA_FILE and REDIS_CA_PEM are alternatives: set one',
    });
  }
  if (c.IMSOP_WORKERS > 1 && !c.REDIS_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['IMSOP_WORKERS'],
      message: `IMSOP_WORKERS=${c.IMSOP_WORKERS} needs REDIS_URL: without Redis each worker process has its own cache, event bus and counters, so a change made through one worker would neither invalidate the others' caches nor reach watches open on them (set REDIS_URL, or IMSOP_WORKERS=1)`,
    });
  }
  if (!!c.TLS_CERT_FILE !== !!c.TLS_KEY_FILE) {
    ctx.addIssue({
      code: 'custom',
      path: ['TLS_KEY_FILE'],
      message: 'TLS_CERT_FILE and TLS_KEY_FILE must be set together',
    });
  }
});

export type Config = z.infer<typeof schema>;

/** Thrown by {@link loadConfig} with one line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment. Empty strings count as unset, so `FOO=` in a shell or .env file
 * falls back to the default. Throws {@link ConfigError} listing every problem at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(fields.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const name = String(i.path[0] ?? '');
        return i.message.startsWith(name) ? i.message : `${name}: ${i.message}`;
      }),
    );
  }
  return result.data;
}

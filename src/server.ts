import { readFile } from 'node:fs/promises';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { domainBackgroundTasks, domainServices } from './domains.js';
import { TokenAuthenticator } from './identity/authenticator.js';
import { accessOf } from './method-access.js';
import type { AppContext } from './platform/app-context.js';
import type { BackgroundTask } from './platform/background-task.js';
import type { CallEnvironment } from './platform/grpc/bind-service.js';
import { ClientAddressResolver } from './platform/grpc/client-address.js';
import { loadDescriptorSet } from './platform/grpc/descriptor-set.js';
import { databaseWatchdog } from './platform/db/database-watchdog.js';
import { HealthService } from './platform/grpc/health.js';
import { reflectionServices } from './platform/grpc/reflection.js';
import { StreamLimits } from './platform/grpc/stream-limits.js';
import { RedisCache } from './platform/cache/redis-cache.js';
import { changeFeedBackgroundTasks, changeFeedServices, changeFeedWakeups } from './platform/change-feed/module.js';
import { Metrics } from './platform/metrics.js';
import { configuredNatsRelay, NATS_RELAY_HEALTH_SERVICE } from './platform/event-relay/configured-relay.js';
import type { NatsRelay } from './platform/event-relay/nats-relay.js';

/**
 * The health service name that stays SERVING for as long as the process runs (until shutdown):
 * for liveness probes, which should restart a stuck process, not one waiting for its database.
 * Readiness probes use "" (the whole server), which follows the database.
 */
export const LIVENESS_SERVICE = 'liveness';

/** The IMSOP gRPC server: domain services, health and reflection on one grpc-js server. */
export class ImsopServer {
  readonly health = new HealthService({ '': 'NOT_SERVING' });
  readonly metrics: Metrics;
  readonly #server: Server;
  readonly #serviceNames: string[];
  readonly #tasks: BackgroundTask[];
  readonly #relay: NatsRelay | undefined;
  readonly #shuttingDown = new AbortController();
  #inFlight = 0;

  constructor(private readonly app: AppContext) {
    const { config } = app;
    this.#server = new Server({
      'grpc.max_receive_message_length': config.GRPC_MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': config.GRPC_MAX_MESSAGE_BYTES,
      // Ping idle clients so dead peers (a scanner whose truck left Wi-Fi) are noticed.
      'grpc.keepalive_time_ms': 60_000,
      'grpc.keepalive_timeout_ms': 20_000,
      'grpc.keepalive_permit_without_calls': 1,
      // Let clients ping as often as every 10 s without being disconnected for abuse.
      'grpc.http2.min_ping_interval_without_data_ms': 10_000,
      // HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS: calls one connection may have open at once. A
      // client past it waits (or, ignoring the setting, has its stream refused).
      'grpc.max_concurrent_streams': config.GRPC_MAX_CONCURRENT_STREAMS_PER_CONNECTION,
      // Channelz (grpc-js's call and socket bookkeeping for the channelz service) is on by
      // default, and this server does not serve channelz: per-call work nobody could read.
      'grpc.enable_channelz': 0,
    });
    const cache = app.cache;
    // The change feed's relay to NATS (EVENTS_NATS_URL): one process of all relays; every process
    // reports its lag (metrics, the nats-relay health entry), whichever a probe reaches.
    const relay = configuredNatsRelay(app);
    this.#relay = relay;
    this.metrics = new Metrics({
      pool: () => app.db.poolStats(),
      redisUp: cache instanceof RedisCache ? () => cache.connected : undefined,
      eventRelay: relay ? () => relay.status() : undefined,
    });
    if (relay) {
      relay.onPublished((outcome, count) => this.metrics.relayPublished(outcome, count));
      relay.onHealthChange((healthy) =>
        this.health.setStatus(NATS_RELAY_HEALTH_SERVICE, healthy ? 'SERVING' : 'NOT_SERVING'),
      );
    }
    const env: CallEnvironment = {
      logger: app.logger,
      metrics: this.metrics,
      authenticator: new TokenAuthenticator(app),
      clientAddresses: new ClientAddressResolver(config.TRUSTED_PROXIES),
      accessOf,
      track: (delta) => {
        this.#inFlight += delta;
      },
      shuttingDown: this.#shuttingDown.signal,
      revalidation: { bus: app.bus, intervalMs: config.STREAM_REAUTH_INTERVAL_MS },
      streamLimits: new StreamLimits({
        perAddress: config.STREAMS_MAX_PER_ADDRESS,
        perPrincipal: config.STREAMS_MAX_PER_PRINCIPAL,
        perOrganization: config.STREAMS_MAX_PER_ORGANIZATION,
        total: config.STREAMS_MAX_TOTAL,
      }),
    };
    const services = [...domainServices(app, env), ...changeFeedServices(app, env)];
    for (const s of services) this.#server.addService(s.definition, s.implementation);
    this.#serviceNames = services.map((s) => s.name);
    for (const name of this.#serviceNames) this.health.setStatus(name, 'NOT_SERVING');
    // Health and reflection are public: they go through the same pipeline (limits, size caps).
    for (const s of [this.health.bind(env), ...reflectionServices(loadDescriptorSet(), env)])
      this.#server.addService(s.definition, s.implementation);
    const watchdog = databaseWatchdog({
      ping: () => app.db.ping(),
      intervalMs: config.HEALTH_DATABASE_CHECK_INTERVAL_MS,
      unreachableMs: config.HEALTH_DATABASE_UNREACHABLE_MS,
      onChange: (serving) => {
        for (const name of ['', ...this.#serviceNames])
          this.health.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING');
      },
      logger: app.logger,
    });
    // The watchdog is this process's own health; domain work runs in one process of a cluster.
    this.#tasks = [
      ...(config.BACKGROUND_TASKS ? [...domainBackgroundTasks(app), ...changeFeedBackgroundTasks(app)] : []),
      ...(relay ? [relay] : []),
      changeFeedWakeups(app),
      watchdog,
    ];
    for (const task of this.#tasks) task.observe?.((name, ok, seconds) => this.metrics.taskRan(name, ok, seconds));
  }

  /** Binds and starts serving; resolves with the bound port (useful with port 0). */
  async listen(host: string, port: number): Promise<number> {
    const { TLS_CERT_FILE, TLS_KEY_FILE } = this.app.config;
    const credentials =
      TLS_CERT_FILE && TLS_KEY_FILE
        ? ServerCredentials.createSsl(
            null,
            [{ cert_chain: await readFile(TLS_CERT_FILE), private_key: await readFile(TLS_KEY_FILE) }],
            false,
          )
        : ServerCredentials.createInsecure();
    const bound = await new Promise<number>((resolve, reject) =>
      this.#server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, credentials, (error, p) =>
        error ? reject(error) : resolve(p),
      ),
    );
    for (const name of ['', LIVENESS_SERVICE, ...this.#serviceNames]) this.health.setStatus(name, 'SERVING');
    if (this.#relay)
      this.health.setStatus(NATS_RELAY_HEALTH_SERVICE, this.#relay.status().healthy ? 'SERVING' : 'NOT_SERVING');
    for (const task of this.#tasks) task.start();
    return bound;
  }

  /**
   * Graceful stop: health turns NOT_SERVING (load balancers drain), new calls are refused,
   * long-lived streams are told to end, in-flight calls get `graceMs` to finish; whatever is
   * still open then is cancelled.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.health.shutdown();
    // Background work stops first (waiting for a run in progress): the pools close after this.
    await Promise.all(this.#tasks.map((t) => t.stop()));
    const drained = new Promise<void>((resolve) => this.#server.tryShutdown(() => resolve()));
    // New calls are refused now; long-lived streams end themselves with a status to resume
    // from (on another instance) instead of being cut off when the grace period runs out.
    this.#shuttingDown.abort();
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([drained, timer])) === 'timeout') {
      this.app.logger.warn({ inFlight: this.#inFlight }, 'grace period over; cancelling remaining calls');
      this.#server.forceShutdown();
    }
  }

  get inFlight(): number {
    return this.#inFlight;
  }
}

import { createServer, type Server } from 'node:http';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { NatsRelayStatus } from './event-relay/nats-relay.js';
import { readPackageVersion } from './project-path.js';
import { TalliedCounter } from './tallied-counter.js';

interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** The four gRPC call kinds, spelled as go-grpc-prometheus labels them. */
export type GrpcType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

/** What a call's labels are made of: `/pkg.Service/Method` split, and its kind. */
export interface MethodLabels {
  grpc_type: GrpcType;
  grpc_service: string;
  grpc_method: string;
}

export function methodLabels(path: string, grpcType: GrpcType): MethodLabels {
  const slash = path.lastIndexOf('/');
  return { grpc_type: grpcType, grpc_service: path.slice(1, slash), grpc_method: path.slice(slash + 1) };
}

/** Live sources the metrics sample when scraped. */
export interface MetricSources {
  pool?: () => PoolStats;
  /** True while Redis answers; undefined when no Redis is configured. */
  redisUp?: () => boolean | undefined;
  /** The change feed's NATS relay, when EVENTS_NATS_URL is set and this process runs background tasks. */
  eventRelay?: () => NatsRelayStatus;
}

/**
 * Operator metrics in Prometheus format, named as the grpc-ecosystem dashboards expect
 * (go-grpc-prometheus / grpc-ecosystem/java-grpc-prometheus): `grpc_server_started_total`,
 * `grpc_server_handled_total`, `grpc_server_handling_seconds` (unary calls only: a stream's
 * lifetime is not a latency), and message counters per stream; plus IMSOP's own in-flight,
 * open-stream, database-pool, Redis, background-task and build-info gauges, the NATS relay's
 * (lag, leadership, publishes; only where it runs) and Node's standard
 * process metrics (`process_*`, `nodejs_*`). Served on a separate HTTP port so they never share
 * the gRPC listener.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #started: TalliedCounter<keyof MethodLabels>;
  readonly #handled: TalliedCounter<keyof MethodLabels | 'grpc_code'>;
  /** The labels of `#handled`, one object per method and code (TalliedCounter tells them apart by identity). */
  readonly #handledLabels = new WeakMap<MethodLabels, Map<GrpcStatus, MethodLabels & { grpc_code: string }>>();
  readonly #handling: Histogram<keyof MethodLabels>;
  readonly #received: TalliedCounter<keyof MethodLabels>;
  readonly #sent: TalliedCounter<keyof MethodLabels>;
  readonly #taskRuns: Counter<'task' | 'outcome'>;
  readonly #taskDuration: Histogram<'task'>;
  readonly #taskLastSuccess: Gauge<'task'>;
  readonly #relayPublished: Counter<'outcome'> | undefined;
  readonly inFlight: Gauge;
  readonly openStreams: Gauge<'grpc_service' | 'grpc_method'>;

  constructor(sources: MetricSources = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const labelNames = ['grpc_type', 'grpc_service', 'grpc_method'] as const;
    this.#started = new TalliedCounter({
      name: 'grpc_server_started_total',
      help: 'RPCs started on the server',
      labelNames,
      registers,
    });
    this.#handled = new TalliedCounter({
      name: 'grpc_server_handled_total',
      help: 'RPCs completed on the server, regardless of success or failure',
      labelNames: [...labelNames, 'grpc_code'],
      registers,
    });
    this.#handling = new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'Response latency of unary RPCs handled by the server',
      labelNames,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.#received = new TalliedCounter({
      name: 'grpc_server_msg_received_total',
      help: 'Messages received by the server',
      labelNames,
      registers,
    });
    this.#sent = new TalliedCounter({
      name: 'grpc_server_msg_sent_total',
      help: 'Messages sent by the server',
      labelNames,
      registers,
    });
    this.inFlight = new Gauge({
      name: 'imsop_grpc_calls_in_flight',
      help: 'gRPC calls currently being handled',
      registers,
    });
    this.openStreams = new Gauge({
      name: 'imsop_grpc_open_streams',
      help: 'Open streaming calls',
      labelNames: ['grpc_service', 'grpc_method'],
      registers,
    });
    this.#taskRuns = new Counter({
      name: 'imsop_background_task_runs_total',
      help: 'Background task runs by outcome (ok, failed)',
      labelNames: ['task', 'outcome'],
      registers,
    });
    this.#taskDuration = new Histogram({
      name: 'imsop_background_task_duration_seconds',
      help: 'Background task run duration',
      labelNames: ['task'],
      buckets: [0.001, 0.01, 0.1, 0.5, 1, 5, 30, 120, 600],
      registers,
    });
    this.#taskLastSuccess = new Gauge({
      name: 'imsop_background_task_last_success_timestamp_seconds',
      help: 'When a background task last ran without failing',
      labelNames: ['task'],
      registers,
    });
    new Gauge({
      name: 'imsop_build_info',
      help: 'Always 1; the labels say which build runs',
      labelNames: ['version', 'node_version'],
      registers,
    }).set({ version: readPackageVersion(), node_version: process.version }, 1);
    const { pool, redisUp, eventRelay } = sources;
    if (pool) {
      const sample = (pick: (s: PoolStats) => number) =>
        function (this: Gauge) {
          this.set(pick(pool()));
        };
      new Gauge({
        name: 'imsop_db_pool_connections',
        help: 'Open database connections',
        registers,
        collect: sample((s) => s.total),
      });
      new Gauge({
        name: 'imsop_db_pool_idle',
        help: 'Idle database connections',
        registers,
        collect: sample((s) => s.idle),
      });
      new Gauge({
        name: 'imsop_db_pool_waiting',
        help: 'Queries waiting for a connection',
        registers,
        collect: sample((s) => s.waiting),
      });
    }
    if (eventRelay) {
      this.#relayPublished = new Counter({
        name: 'imsop_event_relay_published_total',
        help: 'Change events the NATS relay published and JetStream acknowledged, by outcome (stored; duplicate: a re-send the stream dropped)',
        labelNames: ['outcome'],
        registers,
      });
      // Summed over a cluster's workers (cluster-metrics.ts) only where a sum means something:
      // the leader count; every worker samples the same lag, so the lag is their maximum.
      const relayGauge = (
        name: string,
        help: string,
        aggregator: 'sum' | 'max',
        pick: (s: NatsRelayStatus) => number | undefined,
      ) =>
        new Gauge({
          name,
          help,
          // The stream relayed to; a series without a value (nats_up on a standby) is then absent.
          labelNames: ['stream'],
          aggregator,
          registers,
          collect(this: Gauge<'stream'>) {
            const status = eventRelay();
            const value = pick(status);
            this.reset();
            if (value !== undefined) this.set({ stream: status.stream }, value);
          },
        });
      relayGauge(
        'imsop_event_relay_leader',
        '1 on the one instance relaying the change feed to NATS, 0 on the others (standing by)',
        'sum',
        (s) => (s.leading ? 1 : 0),
      );
      relayGauge(
        'imsop_event_relay_nats_up',
        'On the relaying instance: 1 while NATS takes its publishes, 0 while it does not; absent elsewhere',
        'max',
        (s) => (s.natsUp === undefined ? undefined : s.natsUp ? 1 : 0),
      );
      relayGauge(
        'imsop_event_relay_lag_positions',
        'Positioned change events not yet relayed to NATS',
        'max',
        (s) => s.lagPositions,
      );
      relayGauge(
        'imsop_event_relay_lag_seconds',
        'Age of the oldest change event not yet relayed to NATS (0 when caught up)',
        'max',
        (s) => s.lagSeconds,
      );
    }
    if (redisUp) {
      new Gauge({
        name: 'imsop_redis_up',
        help: '1 while Redis answers, 0 while it does not (degraded mode); absent without Redis',
        registers,
        collect(this: Gauge) {
          const up = redisUp();
          if (up !== undefined) this.set(up ? 1 : 0);
        },
      });
    }
  }

  relayPublished(outcome: 'stored' | 'duplicate', count: number): void {
    this.#relayPublished?.inc({ outcome }, count);
  }

  callStarted(labels: MethodLabels): void {
    this.#started.inc(labels);
  }

  callEnded(labels: MethodLabels, code: GrpcStatus, durationMs: number): void {
    let byCode = this.#handledLabels.get(labels);
    if (!byCode) this.#handledLabels.set(labels, (byCode = new Map()));
    let handled = byCode.get(code);
    if (!handled) byCode.set(code, (handled = { ...labels, grpc_code: GrpcStatus[code] ?? String(code) }));
    this.#handled.inc(handled);
    if (labels.grpc_type === 'unary') this.#handling.observe(labels, durationMs / 1000);
  }

  messageReceived(labels: MethodLabels): void {
    this.#received.inc(labels);
  }

  messageSent(labels: MethodLabels): void {
    this.#sent.inc(labels);
  }

  taskRan(task: string, ok: boolean, seconds: number): void {
    this.#taskRuns.inc({ task, outcome: ok ? 'ok' : 'failed' });
    this.#taskDuration.observe({ task }, seconds);
    if (ok) this.#taskLastSuccess.set({ task }, Date.now() / 1000);
  }

  /** Serves GET /metrics on host:port; resolves with the bound port. */
  listen(host: string, port: number): Promise<MetricsEndpoint> {
    return serveMetrics(host, port, this.registry.contentType, () => this.registry.metrics());
  }

  /**
   * In a node:cluster worker: answers the primary's requests for this worker's metrics
   * (prom-client's cluster protocol over the IPC channel), so the primary can serve them summed
   * over every worker (cluster-metrics.ts).
   */
  answerClusterPrimary(): void {
    // Constructing one installs prom-client's IPC listener in this worker (once per process).
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([this.registry]);
  }
}

/** A listening GET /metrics endpoint. */
export interface MetricsEndpoint {
  port: number;
  close(): Promise<void>;
}

/** Serves GET /metrics on host:port with the text `render` produces; resolves with the bound port. */
export async function serveMetrics(
  host: string,
  port: number,
  contentType: string,
  render: () => Promise<string>,
): Promise<MetricsEndpoint> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/metrics') {
      render().then(
        (body) => res.writeHead(200, { 'content-type': contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

import { createServer, type Server } from 'node:http';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * Operator metrics in Prometheus format: per-method request counts by status code, latency
 * histograms, in-flight calls, open streams, database pool gauges, plus Node's process
 * metrics. Served on a separate HTTP port so they never share the gRPC listener.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly #calls: Counter<'method' | 'code'>;
  readonly #latency: Histogram<'method'>;
  readonly inFlight: Gauge;
  readonly openStreams: Gauge<'method'>;

  constructor(pool?: () => PoolStats) {
    collectDefaultMetrics({ register: this.registry, prefix: 'imsop_' });
    this.#calls = new Counter({ name: 'imsop_grpc_calls_total', help: 'Finished gRPC calls by method and status code', labelNames: ['method', 'code'], registers: [this.registry] });
    this.#latency = new Histogram({
      name: 'imsop_grpc_call_duration_seconds',
      help: 'gRPC call duration by method (streams: until they end)',
      labelNames: ['method'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.inFlight = new Gauge({ name: 'imsop_grpc_calls_in_flight', help: 'gRPC calls currently being handled', registers: [this.registry] });
    this.openStreams = new Gauge({ name: 'imsop_grpc_open_streams', help: 'Open streaming calls by method', labelNames: ['method'], registers: [this.registry] });
    if (pool) {
      const sample = (pick: (s: PoolStats) => number) =>
        function (this: Gauge) {
          this.set(pick(pool()));
        };
      new Gauge({ name: 'imsop_db_pool_connections', help: 'Open database connections', registers: [this.registry], collect: sample((s) => s.total) });
      new Gauge({ name: 'imsop_db_pool_idle', help: 'Idle database connections', registers: [this.registry], collect: sample((s) => s.idle) });
      new Gauge({ name: 'imsop_db_pool_waiting', help: 'Queries waiting for a connection', registers: [this.registry], collect: sample((s) => s.waiting) });
    }
  }

  callEnded(method: string, code: GrpcStatus, durationMs: number): void {
    this.#calls.inc({ method, code: GrpcStatus[code] ?? String(code) });
    this.#latency.observe({ method }, durationMs / 1000);
  }

  /** Serves GET /metrics on host:port; resolves with the bound port. */
  async listen(host: string, port: number): Promise<{ port: number; close(): Promise<void> }> {
    const server: Server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/metrics') {
        this.registry.metrics().then(
          (body) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(body),
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
}

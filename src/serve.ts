import cluster from 'node:cluster';
import type { Config } from './platform/config.js';
import { createLogger } from './platform/logger.js';
import { readPackageVersion } from './platform/project-path.js';
import { startTracing } from './platform/tracing.js';
import { SettingError } from './platform/setting-error.js';
import { startRuntime } from './runtime.js';
import { WORKER_READY } from './worker-ready.js';
import { ImsopServer } from './server.js';

/**
 * Starts the runtime and the gRPC server, prints where it listens and how to log in, and shuts
 * down gracefully on SIGTERM/SIGINT (health NOT_SERVING, in-flight calls finish within
 * SHUTDOWN_GRACE_MS, then pools and the embedded database close).
 */
export async function serve(config: Config): Promise<void> {
  const logger = createLogger(config);
  const tracing = await startTracing({
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: config.OTEL_SERVICE_NAME,
    serviceVersion: readPackageVersion(),
  });
  const runtime = await startRuntime(config, logger);
  const server = new ImsopServer(runtime.app);
  let port: number;
  try {
    port = await server.listen(config.IMSOP_HOST, config.IMSOP_PORT);
  } catch (error) {
    await runtime.close();
    throw new SettingError(
      `cannot listen for gRPC on ${config.IMSOP_HOST}:${config.IMSOP_PORT} (IMSOP_PORT, IMSOP_HOST): ${bindFailure(error)}`,
      'IMSOP_PORT',
      {
        cause: error,
      },
    );
  }
  let metrics: Awaited<ReturnType<typeof server.metrics.listen>> | undefined;
  try {
    metrics = config.METRICS_ENABLED
      ? await server.metrics.listen(config.METRICS_HOST, config.METRICS_PORT)
      : undefined;
  } catch (error) {
    await server.shutdown(0);
    await runtime.close();
    throw new SettingError(
      `cannot listen for metrics on ${config.METRICS_HOST}:${config.METRICS_PORT} (METRICS_PORT, or METRICS_ENABLED=false): ${(error as Error).message}`,
      'METRICS_PORT',
      { cause: error },
    );
  }
  const address = `${config.IMSOP_HOST}:${port}`;
  const tls = Boolean(config.TLS_CERT_FILE);
  logger.info(
    {
      address,
      tls,
      database:
        runtime.database.mode === 'embedded' ? `embedded PostgreSQL (${config.IMSOP_DATA_DIR}/pgdata)` : 'DATABASE_URL',
      cache: runtime.app.cache.kind === 'redis' ? 'redis (REDIS_URL)' : 'in-process',
      bus: runtime.app.bus.kind === 'redis' ? 'redis pub/sub' : 'in-process',
      metrics: metrics ? `http://${config.METRICS_HOST}:${metrics.port}/metrics` : 'disabled',
      tracing: tracing ? `OTLP ${config.OTEL_EXPORTER_OTLP_ENDPOINT}` : 'off',
    },
    'IMSOP serving',
  );
  logger.info(
    `try: grpcurl ${tls ? '' : '-plaintext '}${address} list  |  demo tenant: npm run imsop -- demo, then log in (see README)`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, 'shutting down');
    let code = 0;
    try {
      await server.shutdown(config.SHUTDOWN_GRACE_MS);
      await metrics?.close();
      await runtime.close();
      await tracing?.shutdown();
      logger.info('stopped');
    } catch (error) {
      code = 1;
      logger.error({ err: error }, 'shutdown failed');
    }
    logger.flush?.();
    process.exit(code);
  };
  // A worker may get the signal twice (from the primary and, sent to the process group by systemd,
  // `timeout` or a terminal, directly): it keeps draining rather than dying at the second one.
  const on = cluster.isWorker ? process.on.bind(process) : process.once.bind(process);
  on('SIGTERM', () => void stop('SIGTERM'));
  on('SIGINT', () => void stop('SIGINT'));
  if (cluster.isWorker) {
    // The primary serves the metrics of all workers summed (src/platform/cluster-metrics.ts).
    server.metrics.answerClusterPrimary();
    // A worker of src/cluster.ts: the primary counts it up, and a worker whose primary is gone
    // (killed outright) drains and ends rather than serving on unsupervised.
    process.once('disconnect', () => void stop('primary exited'));
    process.send?.(WORKER_READY);
  }
}

/** grpc-js wraps the socket errors ("No address added out of total 1 resolved errors: [...]"): the inner ones say what happened. */
function bindFailure(error: unknown): string {
  const message = (error as Error).message;
  return /errors: \[(.+)\]$/.exec(message)?.[1] ?? message;
}

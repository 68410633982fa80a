import cluster, { type Worker } from 'node:cluster';
import type { Config } from './platform/config.js';
import { serveClusterMetrics } from './platform/cluster-metrics.js';
import { SettingError } from './platform/setting-error.js';
import { createLogger, type Logger } from './platform/logger.js';
import type { MetricsEndpoint } from './platform/metrics.js';
import { pageTokenSecrets } from './platform/page-token-secret.js';
import { prepareDatabase, resolveDatabase } from './runtime.js';
import { serve } from './serve.js';
import { WORKER_READY } from './worker-ready.js';

/** A worker that lived this long before dying starts over from the shortest restart delay. */
const STABLE_AFTER_MS = 30_000;
const FIRST_RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 30_000;
/** Beyond SHUTDOWN_GRACE_MS: how long workers get to close pools before they are killed. */
const EXIT_MARGIN_MS = 15_000;

/**
 * `imsop serve`: one process (IMSOP_WORKERS=1), or a primary that forks IMSOP_WORKERS server
 * processes sharing IMSOP_PORT through node:cluster (the primary accepts and hands connections
 * round-robin), so every core serves calls.
 */
export async function serveConfigured(config: Config): Promise<void> {
  if (config.IMSOP_WORKERS > 1 && cluster.isPrimary) return servePrimary(config);
  return serve(config);
}

interface Slot {
  index: number;
  worker?: Worker;
  startedAt: number;
  failures: number;
  restart?: NodeJS.Timeout;
}

/**
 * The primary serves no calls. It does what must happen once per installation before the
 * workers start (the embedded PostgreSQL, migrations, the generated page-token secret), then
 * keeps IMSOP_WORKERS workers running: one dead is logged and restarted with a growing delay.
 * Worker 0 alone runs the background tasks. The primary serves the metrics of all workers summed
 * on METRICS_PORT, and worker n its own on METRICS_PORT + 1 + n.
 * SIGTERM/SIGINT is passed to every worker, which drains as a single server does.
 */
async function servePrimary(config: Config): Promise<void> {
  const logger = createLogger(config);
  const secrets = await pageTokenSecrets(config);
  const database = await resolveDatabase(config, logger);
  try {
    if (config.MIGRATE_ON_START) await prepareDatabase(database, logger);
  } catch (error) {
    await database.stop();
    throw error;
  }
  const shared: Record<string, string> = {
    // Migrated above, once: workers starting together must not race to migrate.
    MIGRATE_ON_START: 'false',
    PAGE_TOKEN_SECRET: secrets.current,
    PAGE_TOKEN_SECRET_PREVIOUS: secrets.previous ?? '',
    // The embedded server runs here; workers connect to it as to any external database.
    ...(database.mode === 'embedded'
      ? { DATABASE_URL: database.adminUrl, DATABASE_APP_PASSWORD: database.appPassword }
      : {}),
  };
  let metrics: MetricsEndpoint | undefined;
  try {
    metrics = config.METRICS_ENABLED ? await serveClusterMetrics(config.METRICS_HOST, config.METRICS_PORT) : undefined;
  } catch (error) {
    await database.stop();
    throw new SettingError(
      `cannot listen for metrics on ${config.METRICS_HOST}:${config.METRICS_PORT} (METRICS_PORT, or METRICS_ENABLED=false): ${(error as Error).message}`,
      'METRICS_PORT',
      { cause: error },
    );
  }
  const slots: Slot[] = Array.from({ length: config.IMSOP_WORKERS }, (_, index) => ({
    index,
    startedAt: 0,
    failures: 0,
  }));
  let stopping = false;

  const fork = (slot: Slot): Worker => {
    slot.startedAt = Date.now();
    const worker = cluster.fork({
      ...shared,
      BACKGROUND_TASKS: slot.index === 0 ? String(config.BACKGROUND_TASKS) : 'false',
      // METRICS_PORT itself is the primary's (every worker summed); worker n's own is the next n + 1.
      METRICS_PORT: String(config.METRICS_PORT === 0 ? 0 : config.METRICS_PORT + 1 + slot.index),
    });
    slot.worker = worker;
    return worker;
  };

  // Start: every worker must come up once, or the whole service fails to start (a bad port, a
  // database refusing the app role) instead of restarting forever.
  await new Promise<void>((resolve, reject) => {
    let ready = 0;
    for (const slot of slots) {
      const worker = fork(slot);
      const onExit = (code: number | null, signal: string | null) =>
        reject(new Error(`worker ${slot.index} exited (${signal ?? `code ${code}`}) before it was serving`));
      worker.once('exit', onExit);
      worker.on('message', (message) => {
        if (message !== WORKER_READY) return;
        worker.off('exit', onExit);
        if (++ready === slots.length) resolve();
      });
    }
  }).catch(async (error: unknown) => {
    stopping = true;
    await stopWorkers(slots, config, logger);
    await metrics?.close();
    await database.stop();
    throw error;
  });
  logger.info(
    {
      workers: slots.map((s) => ({ worker: s.index, pid: s.worker?.process.pid })),
      metrics: metrics ? `http://${config.METRICS_HOST}:${metrics.port}/metrics` : 'disabled',
    },
    `IMSOP serving with ${slots.length} worker processes`,
  );

  for (const slot of slots) watch(slot);
  function watch(slot: Slot): void {
    slot.worker!.once('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - slot.startedAt >= STABLE_AFTER_MS) slot.failures = 0;
      const delayMs = Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** slot.failures);
      slot.failures++;
      logger.error(
        { worker: slot.index, pid: slot.worker!.process.pid, code, signal, restartInMs: delayMs },
        'worker exited unexpectedly; restarting it',
      );
      slot.worker = undefined;
      slot.restart = setTimeout(() => {
        slot.restart = undefined;
        if (stopping) return;
        const worker = fork(slot);
        worker.on('message', (message) => {
          if (message === WORKER_READY)
            logger.info({ worker: slot.index, pid: worker.process.pid }, 'worker restarted and serving');
        });
        watch(slot);
      }, delayMs);
    });
  }

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS, workers: slots.length }, 'shutting down all workers');
    const clean = await stopWorkers(slots, config, logger);
    let code = clean ? 0 : 1;
    try {
      await metrics?.close();
      await database.stop();
      logger.info('stopped');
    } catch (error) {
      code = 1;
      logger.error({ err: error }, 'shutdown failed');
    }
    logger.flush?.();
    process.exit(code);
  };
  // Not once: a signal sent to the whole process group may arrive more than once, and the
  // primary must live on to stop the embedded database after the workers.
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** SIGTERM to every live worker; resolves true when all exited with code 0 (killed past the grace period otherwise). */
async function stopWorkers(slots: Slot[], config: Config, logger: Logger): Promise<boolean> {
  const exits = slots.map((slot) => {
    clearTimeout(slot.restart);
    const worker = slot.worker;
    if (!worker || worker.isDead()) return Promise.resolve(true);
    const exited = new Promise<boolean>((resolve) =>
      worker.once('exit', (code, signal) => {
        if (code !== 0)
          logger.warn({ worker: slot.index, pid: worker.process.pid, code, signal }, 'worker ended unclean');
        resolve(code === 0);
      }),
    );
    worker.process.kill('SIGTERM');
    const killer = setTimeout(() => worker.process.kill('SIGKILL'), config.SHUTDOWN_GRACE_MS + EXIT_MARGIN_MS);
    return exited.finally(() => clearTimeout(killer));
  });
  return (await Promise.all(exits)).every(Boolean);
}

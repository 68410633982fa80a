import { PeriodicTask, type BackgroundTask } from '../background-task.js';
import type { Logger } from '../logger.js';

export interface DatabaseWatchdogOptions {
  /** Round trip that throws when PostgreSQL does not answer. */
  ping(): Promise<void>;
  intervalMs: number;
  /** How long PostgreSQL may be unreachable before the server reports NOT_SERVING (0: never). */
  unreachableMs: number;
  /** Called with false once the database has been unreachable for `unreachableMs`, with true once it answers again. */
  onChange(serving: boolean): void;
  logger: Logger;
}

/**
 * Turns "PostgreSQL has not answered for a while" into gRPC health, so readiness probes and
 * load balancers stop sending calls to a replica that can only fail them, and send them again
 * once it recovers. A single failed ping changes nothing: blips (a failover, a restart) are
 * absorbed by the pool and the callers' retries; only a lasting outage flips the status. Each
 * ping is bounded, so a black-holed connection counts as unreachable too.
 */
export function databaseWatchdog(options: DatabaseWatchdogOptions): BackgroundTask {
  const { ping, intervalMs, unreachableMs, onChange, logger } = options;
  let failingSince: number | undefined;
  let serving = true;
  const check = async () => {
    try {
      await withTimeout(ping(), Math.max(1_000, intervalMs));
      failingSince = undefined;
      if (!serving) {
        serving = true;
        logger.info('database answers again; health SERVING');
        onChange(true);
      }
    } catch (error) {
      failingSince ??= Date.now();
      if (serving && Date.now() - failingSince >= unreachableMs) {
        serving = false;
        logger.error(
          { err: (error as Error).message, unreachableMs },
          'database unreachable; health NOT_SERVING until it answers',
        );
        onChange(false);
      }
    }
  };
  return new PeriodicTask('database-watchdog', unreachableMs > 0 ? intervalMs : 0, check, logger);
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

import type { AppContext } from '../../platform/app-context.js';
import { PeriodicTask, type BackgroundTask } from '../../platform/background-task.js';
import type { ArchivePorts } from './archive-ports.js';
import { retentionPolicy } from './retention-policy.js';
import { runRetention } from './retention-run.js';

/**
 * Retention on a schedule: once per RETENTION_INTERVAL_MS across all instances (0 turns it off).
 * Each instance checks every minute whether a run is due, so the schedule survives restarts;
 * the run itself is exclusive and resumable (src/analytics/retention/retention-run.ts).
 */
export function retentionTask(app: AppContext, archives: ArchivePorts): BackgroundTask {
  const interval = app.config.RETENTION_INTERVAL_MS;
  const policy = retentionPolicy(app.config);
  return new PeriodicTask(
    'analytics.retention',
    Math.min(interval, 60_000),
    async () => {
      const outcome = await runRetention(app.db, archives, policy, {}, interval);
      if (outcome.ran) {
        const { moved, heldPurchaseOrders, partitions } = outcome.result;
        app.logger.info(
          { moved, heldPurchaseOrders, partitions: partitions.filter((p) => p.action !== 'left') },
          'retention run finished',
        );
      }
    },
    app.logger,
  );
}

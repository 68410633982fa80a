import { ChangeFeedServiceService } from '../../../gen/ts/imsop/events/v1/change_feed_service.js';
import type { AppContext } from '../app-context.js';
import type { BackgroundTask } from '../background-task.js';
import { bindService, type BoundService, type CallEnvironment } from '../grpc/bind-service.js';
import { forwardCommitNudges } from './commit-nudges.js';
import { FeedTails } from './feed-tails.js';
import { listChanges } from './list-changes.js';
import { relayPositionedWakeups } from './read-changes.js';
import { changeFeedRetentionTask } from './retention.js';
import { ChangeSequencer } from './sequencer.js';
import { watchChanges } from './watch-changes.js';

/** imsop.events.v1.ChangeFeedService: WatchChanges and ListChanges over the platform's change_events. */
export function changeFeedServices(app: AppContext, env: CallEnvironment): BoundService[] {
  const { config } = app;
  const deps = {
    db: app.db,
    // The tails feed every live watcher: their reads go on the feed's own connections.
    tails: new FeedTails(app.feedDb, app.logger),
    shuttingDown: env.shuttingDown,
    retentionDays: config.CHANGE_FEED_RETENTION_DAYS,
    patienceMs: config.CHANGE_FEED_WATCH_PATIENCE_MS,
  };
  return [
    bindService(
      ChangeFeedServiceService,
      {
        watchChanges: (request, stream, ctx) => watchChanges(request, stream, ctx, deps),
        listChanges: (request, ctx) => listChanges(request, ctx, deps),
      },
      env,
    ),
  ];
}

/**
 * The change feed's background work, run where the domains' is (one worker of a cluster): the
 * sequencer (which leads on one instance across replicas) and the purge of expired events.
 */
export function changeFeedBackgroundTasks(app: AppContext): BackgroundTask[] {
  const { config } = app;
  return [
    new ChangeSequencer(app.feedDb, app.bus, app.logger),
    changeFeedRetentionTask(app.db, app.logger, {
      retentionDays: config.CHANGE_FEED_RETENTION_DAYS,
      intervalMs: config.CHANGE_FEED_PURGE_INTERVAL_MS,
      batchSize: config.RETENTION_BATCH_SIZE,
    }),
  ];
}

/**
 * What every server process runs for the change feed, background tasks or not: its readers hear
 * the sequencer's wake-ups from the bus, and its commits nudge the sequencer wherever it leads.
 */
export function changeFeedWakeups(app: AppContext): BackgroundTask {
  let relay: Promise<(() => Promise<void>) | undefined> | undefined;
  let stopNudging: (() => void) | undefined;
  return {
    name: 'change-feed.wakeups',
    start() {
      stopNudging = forwardCommitNudges(app.bus, app.logger);
      relay = relayPositionedWakeups(app.bus).catch((error: unknown) => {
        app.logger.warn({ err: error }, 'change feed: no wake-ups from the bus; watchers poll');
        return undefined;
      });
    },
    async stop() {
      stopNudging?.();
      const unsubscribe = await relay;
      await unsubscribe?.().catch(() => undefined);
    },
  };
}

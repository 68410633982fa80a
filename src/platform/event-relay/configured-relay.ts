import { hostname } from 'node:os';
import type { AppContext } from '../app-context.js';
import { onPositioned } from '../change-feed/read-changes.js';
import { NatsRelay } from './nats-relay.js';

/** The gRPC health entry of the relay (`imsop health --service nats-relay`); readiness ("") does not follow it. */
export const NATS_RELAY_HEALTH_SERVICE = 'nats-relay';

/**
 * The relay EVENTS_NATS_URL asks for, or undefined when it is unset. Every process gets one:
 * those that run background tasks compete for the advisory lock, and exactly one of them relays;
 * the others (and processes without background tasks) only watch the lag.
 */
export function configuredNatsRelay(app: Pick<AppContext, 'config' | 'db' | 'logger'>): NatsRelay | undefined {
  const { config } = app;
  if (!config.EVENTS_NATS_URL) return undefined;
  return new NatsRelay({
    db: app.db,
    logger: app.logger.child({ component: 'nats-relay' }),
    servers: config.EVENTS_NATS_URL,
    stream: config.EVENTS_NATS_STREAM,
    subjectPrefix: config.EVENTS_NATS_SUBJECT_PREFIX,
    createStream: config.EVENTS_NATS_CREATE_STREAM,
    maxLagSeconds: config.EVENTS_NATS_MAX_LAG_SECONDS,
    // The sequencer's wake-ups (from every instance, through the bus): relay at once.
    onPositioned: (listener) => onPositioned(() => listener()),
    connectionName: `imsop ${hostname()}:${process.pid}`,
    mayLead: config.BACKGROUND_TASKS,
  });
}

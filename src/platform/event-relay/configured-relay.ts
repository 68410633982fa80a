import { hostname } from 'node:os';
import type { AppContext } from '../app-context.js';
import { NatsRelay } from './nats-relay.js';

/** The gRPC health entry of the relay (`imsop health --service nats-relay`); readiness ("") does not follow it. */
export const NATS_RELAY_HEALTH_SERVICE = 'nats-relay';

/**
 * The relay EVENTS_NATS_URL asks for, or undefined when it is unset. Every instance that runs
 * background tasks gets one; the advisory lock makes exactly one of them relay.
 */
export function configuredNatsRelay(
  app: Pick<AppContext, 'config' | 'db' | 'logger'>,
  onPositioned?: (listener: () => void) => () => void,
): NatsRelay | undefined {
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
    onPositioned,
    connectionName: `imsop ${hostname()}:${process.pid}`,
  });
}

import type { Access } from '../auth/access.js';
import type { Authenticator } from '../auth/principal.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { ClientAddressResolver } from './client-address.js';
import type { PrincipalRevalidation } from './principal-guard.js';
import type { StreamLimits } from './stream-limits.js';

/** What the call pipeline needs from the running server. */
export interface CallEnvironment {
  logger: Logger;
  authenticator: Authenticator;
  /** Access declared for a method path; undefined means undeclared (the server refuses to start). */
  accessOf(path: string): Access | undefined;
  /** Counts calls in flight, so shutdown can wait for them. */
  track(delta: 1 | -1): void;
  /** Request counts, latencies, in-flight calls and open streams. */
  metrics?: Metrics;
  /** Reads the client's address behind trusted proxies; default: the direct peer's address. */
  clientAddresses?: ClientAddressResolver;
  /**
   * Aborted when the server starts shutting down. Long-lived streams (watches, scanner
   * streams) listen to it and end themselves with a status clients can resume from, instead of
   * being cut off when the grace period runs out.
   */
  readonly shuttingDown: AbortSignal;
  /** How open streams re-check their caller (principal-guard.ts). */
  revalidation: PrincipalRevalidation;
  /** Caps on concurrent streams per caller; every streaming call holds a lease while it is open. */
  readonly streamLimits: StreamLimits;
}

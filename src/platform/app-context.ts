import type { Config } from './config.js';
import type { Bus } from './bus/bus.js';
import type { Cache } from './cache/cache.js';
import type { Counters } from './counters/counters.js';
import type { Database } from './db/database.js';
import type { Logger } from './logger.js';
import type { PageTokens } from './page-tokens.js';

/** The running service's shared parts, handed to every domain when its handlers are built. */
export interface AppContext {
  config: Config;
  logger: Logger;
  /** Connected as the app role: every query goes through a tenant transaction. */
  db: Database;
  cache: Cache;
  /** Rate-limit windows (sign-in throttling); never evicted by cached reads. */
  counters: Counters;
  bus: Bus;
  /** Signs and checks the page tokens of every List method. */
  pageTokens: PageTokens;
}

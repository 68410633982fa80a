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
  /**
   * The change feed's live path (the sequencer, the reads that feed live watchers), as the app
   * role over connections of its own (FEED_POOL_MAX): an event waits for no queue of writes
   * waiting for `db`'s connections.
   */
  feedDb: Database;
  cache: Cache;
  /** Rate-limit windows (sign-in throttling); never evicted by cached reads. */
  counters: Counters;
  bus: Bus;
  /** Signs and checks the page tokens of every List method. */
  pageTokens: PageTokens;
}

import {
  PostgresDialect,
  PostgresDriver,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';

/**
 * A driver whose transactions do not send BEGIN themselves: the transaction's first statement
 * does (Database sends `BEGIN; SELECT set_config(...)` as one simple-protocol message), so the
 * tenant settings every transaction needs cost no round trip of their own. Only Database opens
 * transactions, and it always starts them that way.
 */
class DeferredBeginDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    // Isolation levels and access modes keep Kysely's own START TRANSACTION.
    if (settings.isolationLevel || settings.accessMode) await super.beginTransaction(connection, settings);
  }
}

/** PostgresDialect whose transactions are begun by their first statement (see DeferredBeginDriver). */
export class DeferredBeginPostgresDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;

  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new DeferredBeginDriver(this.#config);
  }
}

/** The transaction-local settings (`set_config(name, value, true)`) a unit of work starts with. */
export type TransactionSettingsMap = Record<string, string>;

/**
 * `SELECT set_config(name, value, true), ...` with the values quoted by pg's own escapeLiteral
 * (the simple protocol takes no parameters); names are ours, never a caller's.
 */
export function setConfigStatement(settings: TransactionSettingsMap): string {
  return `SELECT ${Object.entries(settings)
    .map(([name, value]) => `set_config(${pg.escapeLiteral(name)}, ${pg.escapeLiteral(value)}, true)`)
    .join(', ')}`;
}

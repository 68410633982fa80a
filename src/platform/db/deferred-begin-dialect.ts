import { createHash } from 'node:crypto';
import {
  AbortedTransactionError,
  CompiledQuery,
  PostgresDialect,
  PostgresDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
  type QueryResult,
  type RawBuilder,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import { inlineParameters, literal } from './inline-parameters.js';

/** The BEGIN statements Database opens its transactions with (see deferredBegin). */
const deferredBegins = new WeakSet<CompiledQuery>();

/**
 * The statement that opens a transaction (`BEGIN; SELECT set_config(...)`, one simple-protocol
 * message), as Database executes it first in every transaction. The connection does not send it
 * on its own: it goes in front of the transaction's first real statement, in ONE message (that
 * statement's parameters written in as literals, inline-parameters.ts; a prepared statement the
 * connection has planned goes as its EXECUTE), so the tenant settings and BEGIN cost no round trip
 * of their own. The settings still take effect before that statement
 * runs: PostgreSQL runs the message's statements in order.
 */
export function deferredBegin(text: string): CompiledQuery {
  const query = CompiledQuery.raw(text);
  deferredBegins.add(query);
  return query;
}

/** What marks a statement as planned once per connection (see `prepared`). */
const PREPARED_MARK = '/* prepared */ ';

/** At most this many distinct statements are prepared (each connection keeps the plans of those it ran). */
const MAX_PREPARED = 64;

/** Statement text -> its prepared statement's name. */
const preparedNames = new Map<string, string>();

/**
 * A hot statement whose text is the same on every call (only its parameters differ), marked to be
 * prepared: each connection parses and plans it once, as a named statement, and later calls send
 * only its parameters. For the large statements of the hot write paths (a stock movement with
 * its ledger row, reservation and change events), which PostgreSQL took over a millisecond to
 * plan on every call. Row-level security still applies on every execution: its policies read the
 * transaction's tenant settings when the statement runs, not when it was planned. As the first
 * statement of a transaction it travels behind its BEGIN (deferredBegin) as an EXECUTE, once the
 * connection has planned it; the first time, BEGIN goes on its own.
 */
export function prepared<T>(statement: RawBuilder<T>): RawBuilder<T> {
  return sql<T>`${sql.raw(PREPARED_MARK)}${statement}`;
}

function preparedName(text: string): string | undefined {
  if (!text.startsWith(PREPARED_MARK)) return undefined;
  let name = preparedNames.get(text);
  if (name === undefined) {
    if (preparedNames.size >= MAX_PREPARED) return undefined;
    name = `imsop_${createHash('sha1').update(text).digest('hex')}`;
    preparedNames.set(text, name);
  }
  return name;
}

/** What marks a statement as its transaction's last: it travels with COMMIT (see `thenCommit`). */
const COMMIT_MARK = '/* then commit */ ';

/**
 * Marks a transaction's last statement: it is sent with COMMIT in one message (and with BEGIN too
 * when it is also the first), so the commit costs no round trip of its own. After it the unit of
 * work runs no statement (one is refused), and the transaction cannot be rolled back: the caller
 * sends it only when nothing that could fail is left to do. Combine as `prepared(thenCommit(...))`.
 */
export function thenCommit<T>(statement: RawBuilder<T>): RawBuilder<T> {
  return sql<T>`${sql.raw(COMMIT_MARK)}${statement}`;
}

/** Whether a compiled statement was marked with thenCommit (alone or inside `prepared`). */
function endsTransaction(text: string): boolean {
  return text.startsWith(COMMIT_MARK) || text.startsWith(PREPARED_MARK + COMMIT_MARK);
}

/** Per pooled connection: the names of the prepared statements it has planned. */
const plannedBy = new WeakMap<pg.PoolClient, Set<string>>();

/**
 * `EXECUTE name(...)` of a statement the connection has planned, its parameters written in as
 * literals: so a prepared statement can travel behind BEGIN in one simple-protocol message and
 * still skip parsing and planning. Each literal is untyped and takes the type the statement gave
 * that parameter when it was planned, as a bound parameter does.
 */
function executeStatement(name: string, parameters: readonly unknown[]): string {
  return parameters.length === 0 ? `EXECUTE ${name}` : `EXECUTE ${name}(${parameters.map(literal).join(', ')})`;
}

/**
 * A pooled client whose transaction's BEGIN waits for its first statement (deferredBegin). When
 * a transaction runs no statement at all, its BEGIN is never sent, and neither is its COMMIT or
 * ROLLBACK: the connection went back to the pool without ever being in a transaction.
 */
class DeferredBeginConnection implements DatabaseConnection {
  #pendingBegin: string | undefined;
  /** Set when the transaction ended with its last statement (thenCommit). */
  #ended: 'committed' | 'rolled back' | undefined;
  #discard = false;

  constructor(readonly client: pg.PoolClient) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (deferredBegins.has(compiled)) {
      this.#pendingBegin = compiled.sql;
      return { rows: [] };
    }
    if (this.#ended !== undefined) throw new Error('a statement after its transaction ended (thenCommit)');
    const begin = this.#pendingBegin;
    this.#pendingBegin = undefined;
    const commits = endsTransaction(compiled.sql);
    const name = preparedName(compiled.sql);
    const values = [...compiled.parameters];
    if (name !== undefined && !this.#planned().has(name)) {
      // A prepared statement this connection has not planned yet: BEGIN and COMMIT on their own
      // this once, so the statement is parsed and planned under its name and later EXECUTEd.
      if (begin !== undefined) await this.client.query(begin);
      const result = await this.client.query({ name, text: compiled.sql, values });
      this.#planned().add(name);
      if (commits) this.#endedBy((await this.client.query('COMMIT')).command);
      return resultOf<R>(result);
    }
    if (begin === undefined && !commits) {
      // A statement inside the transaction: sent with its parameters (by name when prepared).
      return resultOf<R>(
        await this.client.query(
          name === undefined ? { text: compiled.sql, values } : { name, text: compiled.sql, values },
        ),
      );
    }
    // One simple-protocol message: BEGIN with the settings, the statement, COMMIT (each when due).
    const statement =
      name === undefined
        ? inlineParameters(compiled.sql, compiled.parameters)
        : executeStatement(name, compiled.parameters);
    const text = [begin, statement, commits ? 'COMMIT' : undefined].filter((part) => part !== undefined).join('; ');
    const answered = (await this.client.query(text)) as unknown as pg.QueryResult | pg.QueryResult[];
    const results = Array.isArray(answered) ? answered : [answered];
    if (!commits) return resultOf<R>(results[results.length - 1]!);
    this.#endedBy(results[results.length - 1]!.command);
    return resultOf<R>(results[results.length - 2]!);
  }

  /** Records how the transaction ended with its last statement (thenCommit). */
  #endedBy(command: string): void {
    // PostgreSQL completes COMMIT with a ROLLBACK tag when an earlier error aborted the transaction.
    this.#ended = command === 'ROLLBACK' ? 'rolled back' : 'committed';
    if (this.#ended === 'rolled back') throw new AbortedTransactionError();
  }

  /** The prepared statements this connection has planned (they live as long as the connection). */
  #planned(): Set<string> {
    let names = plannedBy.get(this.client);
    if (!names) plannedBy.set(this.client, (names = new Set()));
    return names;
  }

  // eslint-disable-next-line require-yield -- no cursor configured, as with Kysely's own connection
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported');
  }

  /**
   * Ends the transaction with `statement` (COMMIT or ROLLBACK), unless it never began or already
   * ended with its last statement (thenCommit). A transaction that committed that way cannot be
   * rolled back: asking to (its callback failed afterwards) is an error, so the caller never
   * takes committed work for undone.
   */
  async end(statement: 'commit' | 'rollback'): Promise<QueryResult<{ command: string }>> {
    if (this.#ended === 'committed' && statement === 'rollback')
      throw new Error(
        'the transaction already committed with its last statement (thenCommit): it cannot be rolled back',
      );
    if (this.#ended !== undefined) return { rows: [{ command: this.#ended === 'committed' ? 'COMMIT' : 'ROLLBACK' }] };
    if (this.#pendingBegin !== undefined) {
      this.#pendingBegin = undefined;
      return { rows: [{ command: statement.toUpperCase() }] };
    }
    try {
      const { command } = await this.client.query(statement);
      return { rows: [{ command }] };
    } catch (error) {
      if (statement === 'rollback') this.#discard = true;
      throw error;
    }
  }

  release(): void {
    this.#pendingBegin = undefined;
    this.client.release(this.#discard);
  }
}

/** Kysely's result of a pg result (as Kysely's own PostgresConnection makes it). */
function resultOf<R>(result: pg.QueryResult): QueryResult<R> {
  const { command, rowCount, rows } = result;
  const modifies = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
  return { ...(modifies ? { numAffectedRows: BigInt(rowCount ?? 0) } : {}), rows: (rows ?? []) as R[] };
}

/**
 * A driver whose transactions do not send BEGIN themselves: Database's `deferredBegin` does, in
 * front of the transaction's first statement. Only Database opens transactions, and it always
 * starts them that way.
 */
class DeferredBeginDriver extends PostgresDriver {
  readonly #pool: pg.Pool;

  constructor(config: PostgresDialectConfig & { pool: pg.Pool }) {
    super(config);
    this.#pool = config.pool;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    return new DeferredBeginConnection(await this.#pool.connect());
  }

  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    // Isolation levels and access modes keep Kysely's own START TRANSACTION.
    if (settings.isolationLevel || settings.accessMode) await super.beginTransaction(connection, settings);
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const { rows } = await (connection as DeferredBeginConnection).end('commit');
    // PostgreSQL completes COMMIT with a ROLLBACK tag when an earlier error aborted the transaction.
    if (rows[0]?.command === 'ROLLBACK') throw new AbortedTransactionError();
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as DeferredBeginConnection).end('rollback');
  }

  override async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as DeferredBeginConnection).release();
  }
}

/** PostgresDialect whose transactions are begun by their first statement (see DeferredBeginDriver). */
export class DeferredBeginPostgresDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig & { pool: pg.Pool };

  constructor(config: PostgresDialectConfig & { pool: pg.Pool }) {
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

import { Kysely, sql, type Compilable, type RawBuilder } from 'kysely';
import pg from 'pg';
import type { DB } from '../../../gen/db/schema.js';
import type { Logger } from '../logger.js';
import { recordStatementSpan } from '../tracing.js';
import { inlineParameters } from './inline-parameters.js';
import { compileOnly, type PreparedRead } from './prepared-read.js';
import { postgresClientConfig, type PostgresCa } from './postgres-connection.js';
import {
  deferredBegin,
  DeferredBeginPostgresDialect,
  setConfigStatement,
  type TransactionSettingsMap,
} from './deferred-begin-dialect.js';
import type { ActorKind, TenantScope, Tx } from './tenant-scope.js';
import { unitOfWork, type AfterCommitHook, type UnitOfWork } from './unit-of-work.js';

// bigint (int8) columns come back as JS numbers: counts and sequence numbers stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type { ActorKind, TenantScope, Tx } from './tenant-scope.js';
export { settingsKey } from './tenant-scope.js';

export interface DatabaseOptions {
  connectionString: string;
  /** CA verifying the server's certificate (DATABASE_CA_FILE / DATABASE_CA_PEM); see postgresClientConfig. */
  ca?: PostgresCa;
  poolMax: number;
  statementTimeoutMs: number;
  /** How long a transaction may wait for a pooled connection before failing UNAVAILABLE. */
  poolWaitMs?: number;
  /** Role to assume inside every transaction (the CLI acts as the owner role). */
  role?: string;
  applicationName?: string;
  logger?: Logger;
}

/**
 * The only door to PostgreSQL. Every unit of work is one transaction that first sets the tenant
 * transaction-locally (`set_config(..., true)`: never session-level on a pooled connection), so a
 * forgotten filter still cannot cross tenants, and a connection returned to the pool carries no
 * tenant. Nothing else in src/ opens transactions or touches the pool.
 */
export class Database {
  readonly #pool: pg.Pool;
  readonly #kysely: Kysely<DB>;
  readonly #role: string | undefined;
  readonly #logger: Logger | undefined;

  constructor(options: DatabaseOptions) {
    this.#pool = new pg.Pool({
      ...postgresClientConfig(options.connectionString, options.ca),
      max: options.poolMax,
      application_name: options.applicationName ?? 'imsop',
      statement_timeout: options.statementTimeoutMs || undefined,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: options.poolWaitMs ?? 5_000,
      keepAlive: true,
    });
    // An idle client whose server connection dies emits here; without a listener the process crashes.
    this.#pool.on('error', (error) => options.logger?.warn({ err: error.message }, 'idle database connection failed'));
    // A connection can also die while checked out (between the statements of a transaction,
    // e.g. pg_terminate_backend or a failover). pg then emits 'error' on the client, which
    // without a listener is an uncaught exception that kills the process. The statement in
    // flight fails on its own (mapped to UNAVAILABLE) and the pool discards the client.
    this.#pool.on('connect', (client) =>
      client.on('error', (error) =>
        options.logger?.warn({ err: error.message }, 'database connection failed while in use'),
      ),
    );
    this.#kysely = new Kysely<DB>({
      dialect: new DeferredBeginPostgresDialect({ pool: this.#pool }),
      // Each statement becomes a span of the call it serves (a no-op while tracing is off).
      log: (event) =>
        recordStatementSpan(
          event.query.sql,
          event.queryDurationMillis,
          event.level === 'error' ? event.error : undefined,
        ),
    });
    this.#role = options.role;
    this.#logger = options.logger;
  }

  /**
   * Runs `body` in one transaction acting for `scope`, handing it the unit of work (transaction,
   * tenant, actor, after-commit hooks). Commits when it resolves, rolls back when it throws (the
   * error propagates unchanged); the after-commit hooks run once it has committed.
   */
  inTenant<T>(scope: TenantScope, body: (work: UnitOfWork) => Promise<T>): Promise<T> {
    return this.#transaction(scope.organizationId, scope.userId ?? '', scope.actorKind ?? 'user', (tx, hooks) =>
      body(unitOfWork(tx, scope, hooks)),
    );
  }

  /**
   * Runs `body` in a transaction with no tenant: tenant tables show no rows. For the few steps
   * that precede knowing the tenant (resolving an organization name at login) and for system
   * tasks that work across organizations (finding them, managing partitions).
   */
  withoutTenant<T>(body: (tx: Tx) => Promise<T>): Promise<T> {
    return this.#transaction('', '', 'system', (tx) => body(tx));
  }

  async #transaction<T>(
    orgId: string,
    userId: string,
    actorKind: ActorKind,
    body: (tx: Tx, hooks: AfterCommitHook[]) => Promise<T>,
  ): Promise<T> {
    const hooks: AfterCommitHook[] = [];
    const begin = deferredBegin(`BEGIN; ${setConfigStatement(this.#settings(orgId, userId, actorKind))}`);
    const result = await this.#kysely.transaction().execute(async (tx) => {
      // The role and the tenant travel with BEGIN, in front of the first statement (one message):
      // they are set before any statement runs, at no round trip of their own.
      await tx.executeQuery(begin);
      return body(tx, hooks);
    });
    for (const hook of hooks) {
      try {
        await hook();
      } catch (error) {
        this.#logger?.error({ err: error }, 'after-commit step failed');
      }
    }
    return result;
  }

  /** What every unit of work sets first: the role to act as, and the tenant and actor for RLS and audit. */
  #settings(orgId: string, userId: string, actorKind: ActorKind): TransactionSettingsMap {
    return {
      ...(this.#role ? { role: this.#role } : {}),
      'app.org_id': orgId,
      'app.user_id': userId,
      'app.actor_kind': actorKind,
    };
  }

  /**
   * One read-only statement acting for `scope`, in ONE round trip: the tenant settings and the
   * statement go as a single simple-protocol message, which PostgreSQL runs as one implicit
   * transaction (so the transaction-local settings end with it, exactly as with inTenant). For
   * hot single-statement reads, where BEGIN and COMMIT would be two of three round trips; the
   * statement's parameters are written into it as literals (inlineParameters).
   */
  async read<R>(scope: TenantScope, build: (q: Kysely<DB>) => Compilable<R> | RawBuilder<R>): Promise<R[]> {
    const query = build(compileOnly);
    const compiled = 'isRawBuilder' in query ? query.compile(compileOnly) : query.compile();
    return this.#readText(scope, inlineParameters(compiled.sql, compiled.parameters), compiled.sql);
  }

  /** `read` of a statement compiled once (prepared-read.ts), with this call's arguments. */
  async readPrepared<Args extends string[], R>(
    scope: TenantScope,
    statement: PreparedRead<Args, R>,
    args: Args,
  ): Promise<R[]> {
    const { text, sql: parameterised } = statement.text(args);
    return this.#readText(scope, text, parameterised);
  }

  async #readText<R>(scope: TenantScope, statement: string, parameterised: string): Promise<R[]> {
    // Read-only by construction: a write sent here fails (25006) instead of committing on its own.
    const settings = {
      ...this.#settings(scope.organizationId, scope.userId ?? '', scope.actorKind ?? 'user'),
      transaction_read_only: 'on',
    };
    const text = `${setConfigStatement(settings)}; ${statement}`;
    const client = await this.#pool.connect();
    const started = performance.now();
    try {
      const results = (await client.query(text)) as unknown as pg.QueryResult[];
      recordStatementSpan(parameterised, performance.now() - started);
      return results[1]!.rows as R[];
    } catch (error) {
      recordStatementSpan(parameterised, performance.now() - started, error);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Round trip to check the database answers (readiness). */
  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.#kysely);
  }

  /** Pool gauges for metrics. */
  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount };
  }

  async close(): Promise<void> {
    await this.#kysely.destroy();
  }
}

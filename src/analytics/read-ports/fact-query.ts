import type { RawBuilder } from 'kysely';

/**
 * Rows of facts another domain keeps, as that domain's own read-only query over its own tables
 * (a SQL relation whose columns are `Row`). Analytics never names those tables: it embeds the
 * query as a subquery of its aggregation statement, which runs in analytics' tenant transaction,
 * so the grouping stays one statement in PostgreSQL (no rows shipped to the service) and the
 * owning domain alone decides which rows are the facts and how they are stored.
 */
export type FactQuery<Row> = RawBuilder<Row>;

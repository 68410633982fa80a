import type { Selectable } from 'kysely';
import type { DB } from '../../../gen/db/schema.js';

/** One row of a table as selected, derived from the generated schema (never copied by hand). */
export type TableRow<T extends keyof DB> = Selectable<DB[T]>;

/** The columns a query selects from a table (its `*Columns` list), as its rows come back. */
export type SelectedRow<T extends keyof DB, Columns extends readonly (keyof TableRow<T>)[]> = Pick<
  TableRow<T>,
  Columns[number]
>;

/**
 * True when `error` is PostgreSQL's unique violation (23505) of the named constraint or unique
 * index. The caller turns it into ALREADY_EXISTS; the SQL never reaches the client.
 */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e?.code === '23505' && e.constraint === constraint;
}

import { loadConfig } from './config.js';

/** The fields of a PostgreSQL error (pg's DatabaseError) that help an operator. */
interface PostgresErrorFields {
  detail?: string;
  hint?: string;
  severity?: string;
}

/**
 * What a command or a failed start prints: one line saying what is wrong (for a SettingError,
 * which setting to change), then PostgreSQL's DETAIL and HINT when the failure came from it.
 * Never a stack (see debugDetail).
 */
export function failureMessage(error: unknown): string {
  if (!(error instanceof Error))
    return error === undefined ? 'failed without a reason (see the log above)' : String(error);
  const lines = [error.message || error.name];
  const postgres = postgresCause(error);
  if (postgres?.detail) lines.push(`  DETAIL: ${postgres.detail}`);
  if (postgres?.hint) lines.push(`  HINT: ${postgres.hint}`);
  return lines.join('\n');
}

/** The stack and causes, for LOG_LEVEL=debug or trace only (read leniently: configuration may be what failed). */
export function debugDetail(error: unknown): string | undefined {
  let level: string;
  try {
    level = loadConfig().LOG_LEVEL;
  } catch {
    return undefined;
  }
  if (level !== 'debug' && level !== 'trace') return undefined;
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.stack ?? e.message);
  return parts.join('\ncaused by: ');
}

function postgresCause(error: Error): PostgresErrorFields | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const fields = e as PostgresErrorFields;
    if (fields.severity !== undefined && (fields.detail || fields.hint)) return fields;
  }
  return undefined;
}

import pgUtils from 'pg/lib/utils.js';

/**
 * Writes a compiled statement's `$n` parameters into its text as quoted literals, so it can go
 * with other statements in ONE simple-protocol message (which takes no parameters).
 *
 * Each value is converted exactly as pg converts a parameter (`prepareValue`: dates, arrays,
 * JSON) and quoted with pg's own `escapeLiteral`. A quoted literal has PostgreSQL's "unknown"
 * type, resolved from its context just as an untyped parameter is, so the statement means what it
 * meant with parameters. `$n` inside quoted strings, quoted identifiers and comments is left
 * alone; the statements are Kysely's (no dollar-quoted bodies).
 */
export function inlineParameters(text: string, parameters: readonly unknown[]): string {
  const { segments, slots } = splitAtParameters(text);
  let out = segments[0]!;
  for (let k = 0; k < slots.length; k++) {
    const index = slots[k]!;
    if (index >= parameters.length)
      throw new Error(`statement names $${index + 1} but has ${parameters.length} parameters`);
    out += literal(parameters[index]) + segments[k + 1]!;
  }
  return out;
}

/**
 * A statement's text cut at its `$n` parameters: `segments[0]`, then for each k the parameter
 * `slots[k]` (0-based) and `segments[k + 1]`. Scanned once per statement text: a prepared read
 * (prepared-read.ts) keeps the cut, and each call only writes its values in.
 */
export function splitAtParameters(text: string): { segments: string[]; slots: number[] } {
  const segments: string[] = [];
  const slots: number[] = [];
  let from = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      i = closingQuote(text, i, c, c === "'" && /[eE]/.test(text[i - 1] ?? ''));
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else if (c === '$' && /[0-9]/.test(text[i + 1] ?? '') && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
      let j = i + 1;
      while (/[0-9]/.test(text[j] ?? '')) j++;
      const index = Number(text.slice(i + 1, j)) - 1;
      if (index < 0) throw new Error(`statement names $${index + 1}`);
      segments.push(text.slice(from, i));
      slots.push(index);
      from = i = j;
    } else {
      i++;
    }
  }
  segments.push(text.slice(from));
  return { segments, slots };
}

/** The index just past the quote that closes the one at `start`. */
function closingQuote(text: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < text.length) {
    if (backslashEscapes && text[i] === '\\') i += 2;
    else if (text[i] === quote && text[i + 1] === quote) i += 2;
    else if (text[i] === quote) return i + 1;
    else i++;
  }
  return text.length;
}

/** A parameter value as a SQL literal (NULL, or a quoted string PostgreSQL types from context). */
export function literal(value: unknown): string {
  const prepared: unknown = pgUtils.prepareValue(value);
  if (prepared === null || prepared === undefined) return 'NULL';
  const text = Buffer.isBuffer(prepared) ? `\\x${prepared.toString('hex')}` : String(prepared);
  // The simple protocol's query text is NUL-terminated: refuse a NUL as PostgreSQL refuses one
  // in a parameter (class 22, a caller's bad input), rather than send a truncated statement.
  if (text.includes('\0'))
    throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
  return pgUtils.escapeLiteral(text);
}

/** An array's text as a parameter of type text[] (pg's own conversion: each element quoted and escaped). */
export function textArray(values: readonly string[]): string {
  return String(pgUtils.prepareValue(values));
}

import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Compilable,
} from 'kysely';
import type { DB } from '../../../gen/db/schema.js';
import { literal, splitAtParameters } from './inline-parameters.js';

/** Builds and compiles statements for Database.read, and cannot run them (no connection). */
export const compileOnly = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** A compiled statement cut at its parameters: each slot is an argument or a constant's literal. */
interface Template {
  segments: string[];
  slots: ({ arg: number } | { literal: string })[];
  sql: string;
}

/**
 * A hot read statement built and compiled once, at first use, instead of on every call
 * (Database.readPrepared): building a Kysely query, compiling it and scanning its text for `$n`
 * cost more than the round trip saved by Database.read. The builder is called with placeholder
 * strings for its arguments; each argument must become exactly one whole parameter of the
 * statement (an argument the builder transforms, say into a LIKE pattern, cannot be found again
 * and is refused at first use). Every other parameter is a constant, written once.
 */
export class PreparedRead<Args extends string[], R> {
  #template: Template | undefined;

  constructor(private readonly build: (q: Kysely<DB>, ...args: Args) => Compilable<R>) {}

  /** The statement with these arguments written in as literals, and its parameterised text (for spans). */
  text(args: Args): { text: string; sql: string } {
    const template = (this.#template ??= this.#compile(args.length));
    let text = template.segments[0]!;
    for (let k = 0; k < template.slots.length; k++) {
      const slot = template.slots[k]!;
      text += ('arg' in slot ? literal(args[slot.arg]) : slot.literal) + template.segments[k + 1]!;
    }
    return { text, sql: template.sql };
  }

  #compile(arity: number): Template {
    const placeholders = Array.from({ length: arity }, (_, i) => `\u0001imsop-prepared-argument-${i}\u0001`) as Args;
    const compiled = this.build(compileOnly, ...placeholders).compile();
    const { segments, slots } = splitAtParameters(compiled.sql);
    const used = new Set<number>();
    const template: Template = {
      segments,
      sql: compiled.sql,
      slots: slots.map((index) => {
        if (index >= compiled.parameters.length)
          throw new Error(`statement names $${index + 1} but has ${compiled.parameters.length} parameters`);
        const value = compiled.parameters[index];
        const arg = placeholders.indexOf(value as string);
        if (arg === -1) return { literal: literal(value) };
        used.add(arg);
        return { arg };
      }),
    };
    if (used.size !== arity)
      throw new Error('every argument of a prepared read must be one whole parameter of its statement');
    return template;
  }
}

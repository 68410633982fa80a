/** A two-way mapping between the text a column stores and a proto enum. */
export interface EnumMapping<Stored extends string, E> {
  /** The proto value of a stored text; `unspecified` for null and for text the table lacks. */
  readonly toProto: (stored: string | null) => E;
  /** The stored text of a proto value; undefined for UNSPECIFIED (unless the table maps it) and unknown numbers. */
  readonly fromProto: (value: E) => Stored | undefined;
  /** Every proto value the table maps (for "one of" validation). */
  readonly protoValues: readonly E[];
}

/**
 * Builds both directions from one table of stored text -> proto value, so the two can never
 * disagree. Lookups go through Maps: a stored text such as 'constructor' is just unknown.
 */
export function enumMapping<const Stored extends string, E>(
  table: Record<Stored, NoInfer<E>>,
  unspecified: E,
): EnumMapping<Stored, E> {
  const pairs = Object.entries(table) as [Stored, E][];
  const toProto = new Map<string, E>(pairs);
  const fromProto = new Map<E, Stored>(pairs.map(([stored, value]) => [value, stored]));
  return {
    toProto: (stored) => (stored === null ? undefined : toProto.get(stored)) ?? unspecified,
    fromProto: (value) => fromProto.get(value),
    protoValues: [...fromProto.keys()],
  };
}

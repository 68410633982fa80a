/** pg's own value conversion and quoting (exported by pg as `pg/lib/*`, without type declarations). */
declare module 'pg/lib/utils.js' {
  const utils: {
    /** Converts a JS value to the text pg sends for a parameter (Buffers are returned as is). */
    prepareValue(value: unknown): unknown;
    escapeLiteral(text: string): string;
  };
  export default utils;
}

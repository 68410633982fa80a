import ts from 'typescript';

/** Where a source file names a table in SQL: a kysely call, raw SQL text, or a row type. */
export interface TableMention {
  table: string;
  access: 'read' | 'write';
  line: number;
  /** How it was named, e.g. `selectFrom('products')` or `FROM products`. */
  how: string;
}

const KYSELY_READS = new Set([
  'selectFrom',
  'from',
  'using',
  'innerJoin',
  'leftJoin',
  'rightJoin',
  'fullJoin',
  'crossJoin',
  'innerJoinLateral',
  'leftJoinLateral',
]);
const KYSELY_WRITES = new Set(['insertInto', 'replaceInto', 'updateTable', 'deleteFrom', 'mergeInto']);
const ROW_TYPES = new Set(['TableRow', 'SelectedRow']);
/** A SQL clause naming a table, then the (optionally schema-qualified) name. */
const SQL_CLAUSE =
  /\b(delete\s+from|insert\s+into|merge\s+into|truncate(?:\s+table)?|alter\s+table|lock\s+table|update|into|from|join|using)\s+(?:only\s+)?([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?)/gi;
const WRITE_CLAUSE = /^(delete|insert|merge|truncate|alter|lock|update|into)/i;

/**
 * Every mention of one of `tables` in a TypeScript source: table arguments of kysely's query
 * builder (`selectFrom('x as y')`, joins, `insertInto`, `updateTable`, `deleteFrom`, ...), table
 * names after FROM / JOIN / INTO / UPDATE / ... in any string or template text (raw `sql`),
 * and row types of a table (`TableRow<'x'>`, `SelectedRow<'x', ...>`, `DB['x']`). Comments are
 * not code and are not read.
 */
export function tableMentions(fileName: string, code: string, tables: ReadonlySet<string>): TableMention[] {
  const source = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: TableMention[] = [];
  const add = (node: ts.Node, table: string, access: TableMention['access'], how: string) => {
    if (!tables.has(table)) return;
    found.push({ table, access, how, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
  };
  const literalTexts = (node: ts.Node): string[] => {
    if (ts.isStringLiteralLike(node)) return [node.text];
    if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap(literalTexts);
    return [];
  };

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const access = KYSELY_WRITES.has(method) ? 'write' : KYSELY_READS.has(method) ? 'read' : undefined;
      if (access && node.arguments[0]) {
        for (const text of literalTexts(node.arguments[0])) {
          const table = text
            .trim()
            .split(/\s+as\s+/i)[0]!
            .trim();
          add(node, table, access, `${method}('${text}')`);
        }
      }
    }
    if (
      ts.isStringLiteralLike(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      for (const m of node.text.matchAll(SQL_CLAUSE)) {
        const clause = m[1]!.replace(/\s+/g, ' ').toUpperCase();
        add(node, m[2]!.toLowerCase(), WRITE_CLAUSE.test(clause) ? 'write' : 'read', `${clause} ${m[2]}`);
      }
    }
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && ROW_TYPES.has(node.typeName.text)) {
      const first = node.typeArguments?.[0];
      if (first && ts.isLiteralTypeNode(first) && ts.isStringLiteral(first.literal))
        add(node, first.literal.text, 'read', `${node.typeName.text}<'${first.literal.text}'>`);
    }
    if (
      ts.isIndexedAccessTypeNode(node) &&
      ts.isTypeReferenceNode(node.objectType) &&
      node.objectType.typeName.getText(source) === 'DB'
    ) {
      const index = node.indexType;
      if (ts.isLiteralTypeNode(index) && ts.isStringLiteral(index.literal))
        add(node, index.literal.text, 'read', `DB['${index.literal.text}']`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The import graph of src/ reads as layers (docs/architecture.md): the platform at the bottom,
 * the domains side by side above it (none imports another: they meet only through ports wired by
 * adapters), the adapters and the composition root (src/*.ts, src/cli/) on top. This walks every
 * relative import of src/ and checks each arrow points down, and that no file imports itself
 * back through a cycle.
 */
const DOMAINS = ['identity', 'inventory', 'procurement', 'shipments', 'analytics', 'webhooks'];

type Layer = 'platform' | 'domain' | 'adapters' | 'root';

function unitOf(file: string): { layer: Layer; name: string } {
  const [top, ...rest] = path.relative('src', file).split(path.sep);
  if (rest.length === 0) return { layer: 'root', name: 'root' };
  if (top === 'platform') return { layer: 'platform', name: 'platform' };
  if (top === 'adapters') return { layer: 'adapters', name: 'adapters' };
  if (top === 'cli') return { layer: 'root', name: 'root' };
  if (DOMAINS.includes(top!)) return { layer: 'domain', name: top! };
  throw new Error(`${file} belongs to no layer: add its folder to this test and to docs/architecture.md`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory()
      ? sourceFiles(full)
      : /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')
        ? [full]
        : [];
  });
}

/** Relative imports of a file inside src/, resolved to the .ts file they load. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, '.ts'))
    .filter((target) => target.startsWith(`src${path.sep}`));
}

/** Why an import from one file to another breaks the layering, or undefined when it is allowed. */
function violation(from: string, to: string): string | undefined {
  const a = unitOf(from);
  const b = unitOf(to);
  if (a.name === b.name) return undefined;
  switch (a.layer) {
    case 'platform':
      return 'the platform imports nothing above it';
    case 'domain':
      return b.layer === 'platform'
        ? undefined
        : `a domain imports only itself and the platform (wire ${b.name} through a port in src/adapters/)`;
    case 'adapters':
      if (b.layer === 'platform') return undefined;
      if (b.layer === 'domain')
        return path.basename(to) === 'index.ts'
          ? undefined
          : `adapters use a domain only through its public face (src/${b.name}/index.ts)`;
      return 'adapters import only domains and the platform';
    case 'root':
      return undefined;
  }
}

const files = sourceFiles('src');
const graph = new Map(files.map((f) => [f, importsOf(f)]));

describe('import layers of src/', () => {
  it('every import points down: platform < domains (side by side) < adapters < composition root', () => {
    const wrong = [...graph].flatMap(([from, targets]) =>
      targets.flatMap((to) => {
        const why = violation(from, to);
        return why ? [`${from} -> ${to}: ${why}`] : [];
      }),
    );
    expect(wrong).toEqual([]);
  });

  it('has no import cycle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('catches an import that runs back up', () => {
    expect(violation('src/platform/errors.ts', 'src/inventory/index.ts')).toBeDefined();
    expect(violation('src/shipments/stock-port.ts', 'src/inventory/index.ts')).toBeDefined();
    expect(violation('src/adapters/shipments-stock.ts', 'src/inventory/stock-ledger.ts')).toBeDefined();
    expect(violation('src/inventory/handlers.ts', 'src/domains.ts')).toBeDefined();
    expect(violation('src/adapters/shipments-stock.ts', 'src/inventory/index.ts')).toBeUndefined();
  });
});

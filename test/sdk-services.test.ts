import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICES } from './support/sdk.js';
import { imsopServices } from './support/descriptors.js';

const manifest = (path: string) =>
  JSON.parse(readFileSync(path, 'utf8')) as { version: string; dependencies: Record<string, string> };

describe('SDK coverage', () => {
  it('exposes a client for every IMSOP service in the descriptors', () => {
    const exposed = new Set<string>(Object.values(SERVICES).map((d) => d.fullName));
    expect(
      imsopServices()
        .map((s) => s.typeName)
        .filter((name) => !exposed.has(name)),
    ).toEqual([]);
  });

  it('is versioned with the contracts: the SDK package carries the version of this repository, which depends on exactly it', () => {
    const root = manifest('package.json');
    expect(manifest('packages/sdk/package.json').version).toBe(root.version);
    expect(root.dependencies['@imsop/sdk']).toBe(root.version);
  });
});

#!/usr/bin/env node
// The `imsop` command (and `npm start`, which is `imsop serve`). An installed package has dist/
// and no src/: it always runs the compiled build on plain node. In a source checkout it runs
// dist/ when that is newer than every file in src/ and gen/ (fast start: no TypeScript to
// transpile), else the TypeScript sources through tsx (a dev dependency), so an edited tree
// never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const compiled = new URL('dist/src/cli/main.js', root);
const isSourceCheckout = existsSync(new URL('src/cli/main.ts', root));

const newest = (dir) => {
  let latest = 0;
  for (const name of readdirSync(new URL(dir, root), { recursive: true })) {
    latest = Math.max(latest, statSync(new URL(`${dir}/${name}`, root)).mtimeMs);
  }
  return latest;
};
const builtAt = () => {
  try {
    return statSync(new URL('dist/.build-stamp', root)).mtimeMs;
  } catch {
    return 0; // never built
  }
};

if (!isSourceCheckout || builtAt() > Math.max(newest('src'), newest('gen'))) {
  await import(compiled.href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(
      'imsop: dist/ is missing or older than src/, and tsx (a dev dependency) is not installed: run `npm run build`\n',
    );
    process.exit(2);
  }
  register();
  await import(new URL('src/cli/main.ts', root).href);
}

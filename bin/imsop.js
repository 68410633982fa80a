#!/usr/bin/env node
// The `imsop` command (and `npm start`, which is `imsop serve`). Runs the compiled build in
// dist/ when it is newer than every file in src/ and gen/ (fast start: no TypeScript to
// transpile), else the TypeScript sources through tsx, so an edited tree never runs stale code.
import { readdirSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const newest = (dir) => {
  let latest = 0;
  for (const name of readdirSync(new URL(dir, root), { recursive: true })) {
    latest = Math.max(latest, statSync(new URL(`${dir}/${name}`, root)).mtimeMs);
  }
  return latest;
};
let built = 0;
try {
  built = statSync(new URL('dist/.build-stamp', root)).mtimeMs;
} catch {
  // never built
}

if (built > Math.max(newest('src'), newest('gen'))) {
  await import(new URL('dist/src/cli/main.js', root).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('src/cli/main.ts', root).href);
}

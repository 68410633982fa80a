// `npm install` / `npm ci` in a checkout builds dist/, so `npm start` runs compiled code. An
// install without dev dependencies (--omit=dev) has no TypeScript compiler: it keeps the
// dist/ already built, or stops with what to do (an installed package would not run).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let compilerInstalled = true;
try {
  require.resolve('typescript');
} catch {
  compilerInstalled = false;
}

if (compilerInstalled) {
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  process.exit(build.status ?? 1);
}
if (existsSync(new URL('../dist/src/cli/main.js', import.meta.url))) {
  console.log('prepare: TypeScript is not installed (production install): using the dist/ already built');
} else {
  console.error(
    'prepare: dist/ is not built and TypeScript (a dev dependency) is not installed: run `npm ci && npm run build` first, or install a packed tarball (npm pack)',
  );
  process.exit(1);
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of a file or folder shipped with the project (migrations/, gen/descriptor.binpb),
 * found by walking up from this module rather than from process.cwd(), so it works from src/
 * (tsx), from a compiled dist/src/ tree, and with any working directory.
 * @throws Error naming what is missing when no parent folder holds `relative`.
 */
export function projectPath(relative: string): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`${relative} not found in any parent folder of ${start}`);
  }
}

/** The version in the project's package.json (for build info). */
export function readPackageVersion(): string {
  return (JSON.parse(readFileSync(projectPath('package.json'), 'utf8')) as { version: string }).version;
}

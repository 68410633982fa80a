import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Whether an optional dependency (one a production install with `--omit=optional` leaves out)
 * can be loaded. Resolution only: nothing is imported.
 */
export function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

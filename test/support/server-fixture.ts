import { test } from 'vitest';
import { startTestServer, type TestServerOptions } from './server.js';

/**
 * `server`: the real IMSOP server on a fresh (cloned, migrated) database, started once per test
 * file, on first use, and stopped after the file's last test (what each file's beforeAll did).
 * A file that needs another configuration overrides `serverOptions`:
 * `const it = tenantTest.override('serverOptions', { scope: 'file' }, { env: { ... } })`.
 */
export const serverTest = test
  .extend('serverOptions', { scope: 'file' }, {} as TestServerOptions)
  .extend('server', { scope: 'file' }, async ({ serverOptions }, { onCleanup }) => {
    const server = await startTestServer(serverOptions);
    onCleanup(() => server.stop());
    return server;
  });

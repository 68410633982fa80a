import { test } from 'vitest';
import { startTestServer } from './server.js';

/**
 * `server`: the real IMSOP server on a fresh (cloned, migrated) database, started once per test
 * file, on first use, and stopped after the file's last test (what each file's beforeAll did).
 */
// eslint-disable-next-line no-empty-pattern -- vitest reads the fixtures a fixture needs from this pattern
export const serverTest = test.extend('server', { scope: 'file' }, async ({}, { onCleanup }) => {
  const server = await startTestServer();
  onCleanup(() => server.stop());
  return server;
});

import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrganization, startTestServer, type SeededOrganization, type TestServer } from './support/server.js';

/**
 * The contract is not tied to the TypeScript runtime: Python stubs generated from the same
 * protos (gen/python) call the running server. Needs Debian's python3-grpcio (CI installs it);
 * without it the test reports as skipped.
 */
const PYTHON = '/usr/bin/python3';
const pythonGrpc = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import grpc, google.protobuf'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const run = promisify(execFile);

describe.runIf(pythonGrpc)('Python client (generated stubs)', () => {
  let ts: TestServer;
  let org: SeededOrganization;
  beforeAll(async () => {
    ts = await startTestServer();
    org = await seedOrganization(ts);
  });
  afterAll(() => ts?.stop());

  it('logs in and calls WhoAmI', async () => {
    const { stdout } = await run(PYTHON, ['examples/python/whoami.py', ts.address, org.name, org.adminEmail, org.adminPassword]);
    const me = JSON.parse(stdout);
    expect(me.user.id).toBe(org.adminUserId);
    expect(me.roles).toContain('admin');
  });

  it('sees the same error details as TypeScript callers', async () => {
    const failed = await run(PYTHON, ['examples/python/whoami.py', ts.address, org.name, org.adminEmail, 'wrong-password-123']).catch((e) => e);
    expect(JSON.parse(failed.stdout)).toEqual({ code: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS' });
  });
});

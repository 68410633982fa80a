import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * `imsop health` (the container HEALTHCHECK) against a TLS server: the exit code and line a
 * probe or an operator sees. The plaintext path runs in production-install.test.ts.
 */
const run = promisify(execFile);
let dir: string;
let ts: TestServer;
let tlsEnv: Record<string, string>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'imsop-health-'));
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=imsop.example',
    '-keyout',
    path.join(dir, 'key.pem'),
    '-out',
    path.join(dir, 'cert.pem'),
  ]);
  tlsEnv = { TLS_CERT_FILE: path.join(dir, 'cert.pem'), TLS_KEY_FILE: path.join(dir, 'key.pem') };
  ts = await startTestServer({ env: tlsEnv });
});
afterAll(async () => {
  await ts?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function health(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return run(process.execPath, ['bin/imsop.js', 'health', '--address', ts.address, ...args], {
    env: { PATH: process.env.PATH, ...env },
  })
    .then(({ stdout }) => ({ code: 0, stdout }))
    .catch((e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }));
}

describe('imsop health', () => {
  it('with TLS configured, trusts the server certificate whatever name it carries, and exits 0 on SERVING', async () => {
    expect(await health([], tlsEnv)).toEqual({ code: 0, stdout: `${ts.address}: SERVING\n` });
    expect(await health(['--service', 'imsop.identity.v1.AuthService'], tlsEnv)).toEqual({
      code: 0,
      stdout: `${ts.address}: SERVING\n`,
    });
  });

  it('exits 1 for a service the server does not have, and for a plaintext check of a TLS server', async () => {
    expect(await health(['--service', 'no.such.Service'], tlsEnv)).toEqual({
      code: 1,
      stdout: `${ts.address}: no service named "no.such.Service"\n`,
    });
    const plaintext = await health(['--timeout-ms', '3000'], {});
    expect(plaintext.code).toBe(1);
    expect(plaintext.stdout).toContain(`${ts.address}: unreachable`);
  });
});

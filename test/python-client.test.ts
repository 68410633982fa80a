import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';
import { bearer } from './support/grpc.js';
import { createTrackableShipment, Scanner, update } from './support/shipments.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

/**
 * The contract is not tied to the TypeScript runtime: the Python package (clients/python, the
 * stubs generated into gen/python plus imsop_client) installs with pip into a fresh virtualenv
 * and calls the running server, as the examples in examples/python do. Offline: the
 * virtualenv sees Debian's python3-grpcio / python3-protobuf and builds with its setuptools and
 * wheel (CI installs them); without them the test reports as skipped.
 */
const PYTHON = '/usr/bin/python3';
const pythonReady = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import grpc, google.protobuf, setuptools, wheel, ensurepip'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const run = promisify(execFile);

describe.runIf(pythonReady)('Python client package (clients/python)', () => {
  let owner: TestServer;
  let other: TestServer;
  let a: Tenant;
  let workdir: string;
  let python: string;

  beforeAll(async () => {
    // Built from a copy: an in-tree pip build leaves build/ and egg-info behind. The copy keeps
    // the layout the pyproject refers to (clients/python next to gen/python).
    workdir = await mkdtemp(join(tmpdir(), 'imsop-python-'));
    await cp('clients/python', join(workdir, 'clients/python'), { recursive: true });
    await cp('gen/python', join(workdir, 'gen/python'), { recursive: true });
    const venv = join(workdir, 'venv');
    python = join(venv, 'bin', 'python');
    const installed = (async () => {
      await run(PYTHON, ['-m', 'venv', '--system-site-packages', venv]);
      await run(python, [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--no-index',
        '--no-build-isolation',
        '--no-deps',
        join(workdir, 'clients/python'),
      ]);
    })();
    owner = await startTestServer();
    other = await startTestServer({ database: owner.database });
    a = await signedInTenant(owner);
    await installed;
  }, 180_000);
  afterAll(async () => {
    await other?.stop();
    await owner?.stop();
    if (workdir) await rm(workdir, { recursive: true, force: true });
  });

  it('installs as a package: the generated stubs and their type stubs import without any path set-up', async () => {
    const script = [
      'import imsop.shipments.v1.tracking_service_pb2 as t, imsop_client, pathlib',
      'print(t.__file__)',
      'print(pathlib.Path(t.__file__).with_suffix(".pyi").exists(), (pathlib.Path(imsop_client.__file__).parent / "py.typed").exists())',
    ].join('\n');
    const { stdout } = await run(python, ['-c', script], { cwd: tmpdir() });
    const [file, typed] = stdout.trim().split('\n');
    expect(file).toContain(join('venv', 'lib'));
    expect(typed).toBe('True True');
  });

  it('logs in and calls WhoAmI (examples/python/whoami.py)', async () => {
    const { stdout } = await run(python, [
      'examples/python/whoami.py',
      owner.address,
      a.name,
      a.adminEmail,
      a.adminPassword,
    ]);
    const me = JSON.parse(stdout);
    expect(me.user.id).toBe(a.adminUserId);
    expect(me.roles).toContain('admin');
  });

  it('raises typed errors with the same details as TypeScript callers see', async () => {
    const failed = await run(python, [
      'examples/python/whoami.py',
      owner.address,
      a.name,
      a.adminEmail,
      'wrong-password-123',
    ]).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toEqual({ code: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS' });

    const invalid = await run(python, [
      'examples/python/watch_shipment.py',
      owner.address,
      a.name,
      a.adminEmail,
      a.adminPassword,
      'not-a-uuid',
    ]).catch((e) => e);
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toEqual({
      code: 'INVALID_ARGUMENT',
      reason: 'INVALID_ARGUMENT',
      field_violations: ['shipment_id'],
    });
  });

  it('resumes a watch the server ended for reading too slowly (ABORTED WATCHER_TOO_SLOW), every point once', async () => {
    const small = await startTestServer({ database: owner.database, env: { STREAM_WATCH_BUFFER_EVENTS: '50' } });
    try {
      const shipment = await createTrackableShipment(a.imsop);
      const scanner = new Scanner(small, bearer(a.token));
      scanner.send(update(shipment.id, 'slow-0'));
      await scanner.acks(1);
      const token = a.token;
      const total = 3000;
      const py = follow(
        spawn(python, ['test/support/python/slow_watch.py', small.address, token, shipment.id, String(total)]),
      );
      await py.until(() => py.lines.some((l) => 'paused' in l), 'the pause');
      // Big points fill the flow-control windows; the rest waits in the server's small buffer.
      const note = 'x'.repeat(400);
      for (let i = 1; i < total; i += 200) {
        const n = Math.min(200, total - i);
        scanner.send(...Array.from({ length: n }, (_, j) => update(shipment.id, `slow-${i + j}`, { note })));
        await scanner.acks(i + n);
      }
      await scanner.close();
      py.child.stdin!.write('go\n');
      expect(await py.exited).toBe(0);
      expect(py.sequences()).toEqual(Array.from({ length: total }, (_, i) => i + 1));
      const resumed = py.lines.filter((l) => 'resumed' in l).map((l) => l.resumed as Record<string, unknown>);
      expect(resumed.length).toBeGreaterThan(0);
      expect(resumed[0]).toMatchObject({ code: 'ABORTED', reason: 'WATCHER_TOO_SLOW' });
    } finally {
      await small.stop();
    }
  }, 120_000);

  it('watches a shipment across a server shutdown, resuming on the other instance with every point once', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const scanner = new Scanner(owner, bearer(a.token));
    scanner.send(...Array.from({ length: 3 }, (_, i) => update(shipment.id, `py-${i}`)));
    await scanner.acks(3);

    // Both instances behind one target, as a client sees replicas: it starts on `other`.
    const target = `ipv4:${other.address},${owner.address}`;
    const py = follow(
      spawn(python, [
        'examples/python/watch_shipment.py',
        target,
        a.name,
        a.adminEmail,
        a.adminPassword,
        shipment.id,
        '5',
      ]),
    );

    await py.until(() => py.sequences().length === 3, 'the stored points');
    await other.stop();
    await py.until(() => py.lines.some((l) => 'resumed' in l), 'the resumption');
    scanner.send(update(shipment.id, 'py-3'), update(shipment.id, 'py-4'));
    await scanner.acks(5);
    expect(await py.exited).toBe(0);
    await scanner.close();

    expect(py.sequences()).toEqual([1, 2, 3, 4, 5]);
    const resumed = py.lines.filter((l) => 'resumed' in l).map((l) => l.resumed);
    expect(resumed[0]).toEqual({ code: 'UNAVAILABLE', reason: 'SERVER_SHUTTING_DOWN', after: 3 });
  }, 60_000);
});

/** A Python process printing one JSON object per line, followed as it runs. */
function follow(child: ChildProcess) {
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(JSON.parse(line)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const sequences = () => lines.filter((l) => 'sequence' in l).map((l) => l.sequence as number);
  /** Resolves once `what` holds for the output so far. */
  const until = async (what: () => boolean, label: string) => {
    const deadline = Date.now() + 60_000;
    while (!what()) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${label}; got ${JSON.stringify(lines.slice(-5))}; stderr ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, lines, exited, sequences, until };
}

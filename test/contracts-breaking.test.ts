import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * `npm run breaking` holds the contracts to the last released ones (proto/baseline/): run on a
 * copy of the contracts, it passes as they are and with an added field, and fails on a renamed
 * field or a changed field number in a v1 package, naming what broke.
 */
const run = promisify(execFile);
const root = process.cwd();
const buf = join(root, 'node_modules', '.bin', 'buf');
const TRACKING = 'proto/imsop/shipments/v1/tracking_service.proto';
let workdir: string | undefined;

afterEach(async () => {
  if (workdir) await rm(workdir, { recursive: true, force: true });
  workdir = undefined;
});

/** A copy of the contracts with `edit` applied to the tracking service's proto. */
async function contractsWith(edit: (source: string) => string): Promise<string> {
  workdir = await mkdtemp(join(tmpdir(), 'imsop-breaking-'));
  for (const entry of ['proto', 'vendor/proto', 'buf.yaml'])
    await cp(join(root, entry), join(workdir, entry), { recursive: true });
  const file = join(workdir, TRACKING);
  const source = await readFile(file, 'utf8');
  const edited = edit(source);
  await writeFile(file, edited);
  return workdir;
}

/** Runs the project's breaking check (the npm script's command) in `dir`. */
async function breaking(dir: string): Promise<{ code: number; output: string }> {
  const script = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).scripts.breaking as string;
  const [command, ...args] = script.split(' ');
  expect(command).toBe('buf');
  try {
    const { stdout, stderr } = await run(buf, args, { cwd: dir });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

const replaceOnce = (from: string, to: string) => (source: string) => {
  expect(source).toContain(from);
  return source.replace(from, to);
};

describe('breaking-change check against the released contracts', () => {
  it('passes for the contracts as they are', async () => {
    expect(await breaking(await contractsWith((s) => s))).toEqual({ code: 0, output: '' });
  });

  it('passes when a field is added', async () => {
    const dir = await contractsWith(
      replaceOnce(
        '  int64 since_sequence = 2;\n}',
        '  int64 since_sequence = 2;\n  // New.\n  bool include_history = 3;\n}',
      ),
    );
    expect(await breaking(dir)).toEqual({ code: 0, output: '' });
  });

  it('fails when a v1 field is renamed', async () => {
    const dir = await contractsWith(
      replaceOnce('repeated TrackingUpdate updates = 2;', 'repeated TrackingUpdate tracking_updates = 2;'),
    );
    const result = await breaking(dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      'Field "2" on message "StreamTrackingUpdatesRequest" changed name from "updates" to "tracking_updates"',
    );
  });

  it('fails when a v1 field changes its number', async () => {
    const dir = await contractsWith(
      replaceOnce('repeated TrackingUpdateAck acks = 2;', 'repeated TrackingUpdateAck acks = 3;'),
    );
    const result = await breaking(dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(
      'Previously present field "2" with name "acks" on message "StreamTrackingUpdatesResponse" was deleted',
    );
  });

  it('fails when the released single-update form is turned into a repeated field again', async () => {
    const dir = await contractsWith(
      replaceOnce(
        'TrackingUpdate update = 1 [deprecated = true];',
        'repeated TrackingUpdate update = 1 [deprecated = true];',
      ),
    );
    const result = await breaking(dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('changed cardinality');
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort } from '../test/support/postgres-server.js';

/** A Redis the bench owns: its URL and how to stop it. */
export interface BenchRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * A private redis-server on a free port (no persistence), so the fan-out numbers are not
 * disturbed by whatever else uses the machine's Redis, and nothing the bench publishes reaches
 * it. Falls back to BENCH_REDIS_URL / TEST_REDIS_URL when redis-server is not installed.
 */
export async function startRedis(): Promise<BenchRedis> {
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = await new Promise<ChildProcess>((resolve, reject) => {
      const c = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      c.once('error', reject);
      c.once('spawn', () => resolve(c));
    });
  } catch {
    const url = process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL;
    if (!url)
      throw new Error('live-fanout and --workers need redis-server on PATH, or BENCH_REDIS_URL / TEST_REDIS_URL');
    return { url, stop: async () => {} };
  }
  const deadline = Date.now() + 10_000;
  while (!(await answers(port))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`redis-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

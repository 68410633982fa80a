import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { HealthCheckResponse_ServingStatus as Serving, HealthClient } from '../../gen/ts/grpc/health/v1/health.js';
import { unary } from './grpc.js';
import { TEST_PAGE_TOKEN_SECRET } from './server.js';

const tsx = path.resolve('node_modules/.bin/tsx');

/** The real `imsop serve` as a child process, configured only through its environment. */
export interface ServerProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves once the health service answers SERVING at `address`; rejects (with the output) if the process exits first. */
  waitServing(address: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(tsx, ['src/cli/main.ts', 'serve'], {
    env: { PATH: process.env.PATH, PAGE_TOKEN_SECRET: TEST_PAGE_TOKEN_SECRET, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    async waitServing(address, timeoutMs = 120_000) {
      const health = new HealthClient(address, credentials.createInsecure());
      try {
        for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
          if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
          const res = await unary(health.check.bind(health), { service: '' }, undefined, {
            deadline: Date.now() + 500,
          }).catch(() => undefined);
          if (res?.status === Serving.SERVING) return;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`server did not become SERVING:\n${out}`);
      } finally {
        health.close();
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

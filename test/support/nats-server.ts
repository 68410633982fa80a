import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './postgres-server.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The nats-server binary: on the PATH, or where Debian's package puts it. */
function natsServerBinary(): string {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/bin']) {
    const candidate = path.join(dir, 'nats-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('nats-server is not installed (Debian: apt-get install nats-server; .ci/run installs it)');
}

/**
 * A nats-server with JetStream of our own, on a free port with its own store, which can be
 * killed and started again on the same port with the same store: for outage tests, never the
 * machine's shared NATS.
 */
export class PrivateNats {
  #child: ChildProcess | undefined;
  readonly #store = mkdtempSync(path.join(tmpdir(), 'imsop-nats-'));

  private constructor(readonly port: number) {}

  static async create(): Promise<PrivateNats> {
    const nats = new PrivateNats(await freePort());
    await nats.start();
    return nats;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(natsServerBinary(), ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.#store], {
      stdio: 'ignore',
    });
    this.#child = child;
    const deadline = Date.now() + 15_000;
    while (!(await this.#greets())) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`nats-server on port ${this.port} did not start`);
      await sleep(50);
    }
  }

  /** SIGKILL: the server vanishes, as in a crash (what JetStream had synced stays in the store). */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.#child = undefined;
  }

  /** Stops the server and removes its store. */
  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.#store, { recursive: true, force: true });
  }

  /** NATS greets each connection with an INFO line; with JetStream on, it says so. */
  #greets(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: this.port });
      let greeting = '';
      socket.once('error', () => resolve(false));
      socket.on('data', (d) => {
        greeting += d.toString();
        if (greeting.includes('\r\n')) {
          socket.destroy();
          resolve(greeting.startsWith('INFO') && greeting.includes('"jetstream":true'));
        }
      });
    });
  }
}

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './postgres-server.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Whether a `redis-server` binary is on the PATH (tests that own a Redis need one). */
export const redisServerInstalled = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * A redis-server of our own (no persistence) on a free port, which can be killed and started
 * again on the same port: for fault tests, never the machine's shared Redis.
 */
export class PrivateRedis {
  #child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async create(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      {
        stdio: 'ignore',
      },
    );
    this.#child = child;
    const deadline = Date.now() + 10_000;
    while (!(await this.#pings())) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`redis-server on port ${this.port} did not start`);
      await sleep(20);
    }
  }

  /** SIGKILL: the server vanishes with its data, as in a crash. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.#child = undefined;
  }

  /** SIGSTOP: the server keeps its connections and data but answers nothing, as in a hung host or a network partition. */
  freeze(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** SIGCONT: a frozen server goes on, with its data, answering what it was sent meanwhile. */
  thaw(): void {
    this.#child?.kill('SIGCONT');
  }

  #pings(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: this.port });
      let answer = '';
      socket.once('error', () => resolve(false));
      socket.on('data', (d) => {
        answer += d.toString();
        if (answer.includes('\r\n')) {
          socket.destroy();
          resolve(answer.startsWith('+PONG'));
        }
      });
      socket.once('connect', () => socket.write('PING\r\n'));
    });
  }
}

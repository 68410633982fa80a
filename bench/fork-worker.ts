import { fork, type ChildProcess } from 'node:child_process';

/**
 * A load-generator process started from a bench/*.ts file, spoken to over IPC: jobs go in as
 * messages (request lists can be far larger than a command line may be), reports come back as
 * messages, in order.
 */
export class ForkedWorker<Out = unknown> {
  readonly #child: ChildProcess;
  readonly #inbox: Out[] = [];
  #waiting: { resolve(m: Out): void; reject(e: Error): void } | undefined;
  #exit: Error | undefined;
  readonly exited: Promise<number | null>;

  constructor(file: string) {
    this.#child = fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('message', (m) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (waiting) waiting.resolve(m as Out);
      else this.#inbox.push(m as Out);
    });
    this.exited = new Promise((resolve) =>
      this.#child.on('exit', (code) => {
        this.#exit = new Error(`load worker ${file} exited with ${code}`);
        this.#waiting?.reject(this.#exit);
        this.#waiting = undefined;
        resolve(code);
      }),
    );
  }

  send(message: unknown): void {
    this.#child.send(message as object);
  }

  /** The next report; rejects when the worker exits without sending one. */
  receive(): Promise<Out> {
    const next = this.#inbox.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.#exit) return Promise.reject(this.#exit);
    return new Promise((resolve, reject) => (this.#waiting = { resolve, reject }));
  }

  kill(): void {
    if (this.#child.exitCode === null) this.#child.kill('SIGTERM');
  }
}

/** Starts `file`, sends it `job`, and returns its one report (the worker exits after it). */
export async function runWorker<Out>(file: string, job: unknown): Promise<Out> {
  const worker = new ForkedWorker<Out>(file);
  worker.send(job);
  try {
    return await worker.receive();
  } finally {
    await worker.exited;
  }
}

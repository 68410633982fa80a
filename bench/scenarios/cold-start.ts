import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../test/support/postgres-server.js';
import { waitServing } from '../environment.js';
import { rssMb } from '../rss.js';
import type { Scenario } from '../scenario.js';

/**
 * Zero-config start with an existing data folder: time from process start to SERVING, and the
 * server's RSS once idle. The first (initialising) start is not measured.
 */
export const coldStart: Scenario = {
  name: 'cold-start',
  description: 'npm start (embedded PostgreSQL, existing data) to SERVING; idle RSS',
  async run(ctx) {
    const dataDir = path.resolve('.imsop/bench-cold-start');
    // The zero-config path: no DATABASE_URL, no REDIS_URL.
    const { DATABASE_URL: _db, REDIS_URL: _redis, ...inherited } = process.env;
    const env = {
      ...inherited,
      IMSOP_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      METRICS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    };
    const runs: { ms: number; rss: number }[] = [];
    for (let i = 0; i < (ctx.smoke ? 2 : 4); i++) {
      const port = await freePort();
      const started = performance.now();
      // What `npm start` runs: the compiled build when fresh (npm install builds it), else tsx.
      const child = spawn(process.execPath, ['bin/imsop.js', 'serve'], {
        env: { ...env, IMSOP_PORT: String(port) },
        stdio: 'ignore',
      });
      await waitServing(`127.0.0.1:${port}`, 120_000);
      const ms = Math.round(performance.now() - started);
      await new Promise((r) => setTimeout(r, ctx.smoke ? 500 : 3000));
      const rss = rssMb(child.pid!) ?? 0;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      if (i > 0) runs.push({ ms, rss }); // run 0 may initialise the cluster
      ctx.log(`  start ${i}: SERVING after ${ms} ms, idle RSS ${rss} MB`);
    }
    const worst = runs.reduce((a, b) => (b.ms > a.ms ? b : a));
    const maxRss = Math.max(...runs.map((r) => r.rss));
    return {
      name: this.name,
      target: 'SERVING <= 3 s after npm start with existing data; server RSS <= 200 MB idle',
      measured: {
        throughput: 0,
        ok: runs.length,
        errors: {},
        p50Ms: worst.ms,
        p90Ms: worst.ms,
        p99Ms: worst.ms,
        maxMs: worst.ms,
      },
      maxRssMb: maxRss, // idle: this scenario has no load
      met: ctx.smoke ? undefined : worst.ms <= 3000 && maxRss <= 200,
      notes: [
        `slowest start ${worst.ms} ms`,
        `max idle RSS ${maxRss} MB (server process; embedded PostgreSQL runs separately)`,
      ],
    };
  },
};

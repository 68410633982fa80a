/**
 * `npm run chaos`: fault injection against real server processes, each scenario in
 * scripts/chaos/ (`--short` is what CI runs, about a minute and a half; the default run repeats
 * the faults and holds them longer):
 *
 * - postgres-restart: the script's own PostgreSQL stopped and started under load;
 * - redis-outage: the script's own Redis killed and started again, or frozen and thawed, under
 *   two server instances;
 * - sigterm: SIGTERM to a server with unary load, scanner streams and watchers open.
 *
 * redis-outage needs a `redis-server` binary; without one it is reported as skipped.
 * Prints a summary per scenario (faults injected, acknowledged writes checked, errors seen by
 * status, every check) and exits 1 when any check failed.
 */
import { Command } from 'commander';
import { postgresRestart } from './chaos/postgres-restart.js';
import { redisOutage } from './chaos/redis-outage.js';
import { sigtermUnderLoad } from './chaos/sigterm.js';
import type { Report } from './chaos/support.js';
import { redisServerInstalled } from '../test/support/redis-server.js';

const SCENARIOS = ['postgres-restart', 'redis-outage', 'sigterm'] as const;
type Scenario = (typeof SCENARIOS)[number];

const opts = new Command('chaos')
  .option('--short', 'one short round of every fault (CI)')
  .option('--only <names>', `comma-separated subset of: ${SCENARIOS.join(', ')}`)
  .parse()
  .opts<{ short?: boolean; only?: string }>();
const short = Boolean(opts.short);
const selected = (opts.only?.split(',').map((s) => s.trim()) ?? [...SCENARIOS]) as Scenario[];
const unknown = selected.filter((s) => !SCENARIOS.includes(s));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')} (choose from ${SCENARIOS.join(', ')})`);
  process.exit(2);
}

const run: Record<Scenario, () => Promise<Report>> = {
  'postgres-restart': () =>
    postgresRestart(
      short
        ? { cycles: 1, warmMs: 2_000, outageMs: 4_000, afterMs: 4_000 }
        : { cycles: 3, warmMs: 5_000, outageMs: 8_000, afterMs: 8_000 },
    ),
  'redis-outage': () =>
    redisOutage(
      short
        ? { cycles: ['kill', 'freeze'], outageMs: 4_000 }
        : { cycles: ['kill', 'freeze', 'kill', 'freeze'], outageMs: 10_000 },
    ),
  sigterm: () => sigtermUnderLoad(short ? { rounds: 1, loadMs: 2_000 } : { rounds: 3, loadMs: 5_000 }),
};

const started = Date.now();
const reports: Report[] = [];
const skipped: string[] = [];
for (const scenario of selected) {
  if (scenario === 'redis-outage' && !redisServerInstalled) {
    skipped.push(`${scenario} (no redis-server on the PATH)`);
    continue;
  }
  const t = Date.now();
  console.log(`\n-- ${scenario}${short ? ' (short)' : ''}`);
  const report = await run[scenario]();
  report.numbers['scenario time'] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
  reports.push(report);
}

console.log(
  `\n================ chaos summary (${short ? 'short' : 'full'} run, ${((Date.now() - started) / 1000).toFixed(0)} s) ================`,
);
for (const report of reports) report.print();
for (const s of skipped) console.log(`\n== SKIPPED: ${s}`);
const failed = reports.filter((r) => !r.passed);
console.log(`\n${failed.length === 0 ? 'chaos passed' : `chaos FAILED: ${failed.map((r) => r.name).join(', ')}`}`);
process.exit(failed.length === 0 ? 0 : 1);

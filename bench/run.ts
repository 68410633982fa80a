/**
 * `npm run bench`: runs the selected scenarios, each next to its ceiling measured in the same
 * run on this machine, prints a table and writes bench-results/latest.json (plus a dated copy).
 *
 *   npm run bench -- --list
 *   npm run bench -- --scenario whoami-warm --duration 20 --concurrency 64
 *   npm run bench -- --smoke        (what CI runs: every scenario, briefly; numbers not judged)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Command } from 'commander';
import { vacuumWhenAutovacuumIsOff } from './database-upkeep.js';
import { benchDatabase } from './environment.js';
import type { Scenario, ScenarioResult } from './scenario.js';
import { costLines } from './cost-report.js';
import { removeProbeFiles } from './server-cost.js';
import { changeFeed } from './scenarios/change-feed.js';
import { coldStart } from './scenarios/cold-start.js';
import { getProduct } from './scenarios/get-product.js';
import { listDepth } from './scenarios/list-depth.js';
import { liveFanout } from './scenarios/live-fanout.js';
import { lotTracked } from './scenarios/lot-tracked.js';
import { reserveHotSku } from './scenarios/reserve-hot-sku.js';
import { reserveSpread } from './scenarios/reserve-spread.js';
import { stockBySku } from './scenarios/stock-by-sku.js';
import { trackingIngest } from './scenarios/tracking-ingest.js';
import { webhooks } from './scenarios/webhooks.js';
import { whoAmI } from './scenarios/whoami.js';

const SCENARIOS: Scenario[] = [
  getProduct,
  stockBySku,
  reserveHotSku,
  reserveSpread,
  lotTracked,
  trackingIngest,
  liveFanout,
  changeFeed,
  webhooks,
  listDepth,
  whoAmI,
  coldStart,
];

const program = new Command('bench')
  .option('--scenario <names...>', 'scenarios to run (default: all)')
  .option('--duration <seconds>', 'measurement time per run', '10')
  .option('--concurrency <n>', 'closed-loop callers', '64')
  .option('--processes <n>', 'load-generator processes', '2')
  .option('--workers <n>', 'also measure get-product with IMSOP_WORKERS=n (and Redis) next to 1 worker', '1')
  .option('--smoke', 'short run of everything, numbers not judged (CI)')
  .option('--list', 'list scenarios and exit')
  .parse();
const opts = program.opts<{
  scenario?: string[];
  duration: string;
  concurrency: string;
  processes: string;
  workers: string;
  smoke?: boolean;
  list?: boolean;
}>();

if (opts.list) {
  for (const s of SCENARIOS) console.log(`${s.name.padEnd(24)} ${s.description}`);
  process.exit(0);
}
const unknown = (opts.scenario ?? []).filter((n) => !SCENARIOS.some((s) => s.name === n));
if (unknown.length > 0) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; try --list`);
  process.exit(2);
}
const selected = opts.scenario ? SCENARIOS.filter((s) => opts.scenario!.includes(s.name)) : SCENARIOS;
const smoke = Boolean(opts.smoke);
const options = {
  durationMs: (smoke ? 1 : Number(opts.duration)) * 1000,
  concurrency: smoke ? 8 : Number(opts.concurrency),
  processes: Number(opts.processes),
  workers: Number(opts.workers),
  smoke,
};

const machine = {
  cores: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  date: new Date().toISOString(),
  /** What the load generators call gRPC with (bench/load-worker.ts). */
  loadClient: process.env.BENCH_CLIENT === 'grpc-js' ? 'grpc-js' : 'node:http2',
};
console.log(
  `IMSOP bench on ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, node ${machine.node}, load through ${machine.loadClient}${smoke ? ' [smoke]' : ''}`,
);

// The server is measured as production runs it: the compiled build (bin/imsop.js runs dist/ when
// it is newer than src/). The smoke run (CI) skips the build and may run the sources through tsx.
if (!smoke) {
  console.log('building the server (npm run build) so the measured server is the compiled build');
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
}

const db = await benchDatabase();
const results: ScenarioResult[] = [];
let failed = false;
for (const scenario of selected) {
  console.log(`\n> ${scenario.name}: ${scenario.description}`);
  if (!smoke) {
    const seconds = await vacuumWhenAutovacuumIsOff(db.adminUrl);
    if (seconds !== undefined)
      console.log(`  autovacuum is off on this server: VACUUM (ANALYZE) first, ${seconds.toFixed(1)} s`);
  }
  const started = performance.now();
  try {
    results.push(...[await scenario.run({ ...options, db, log: (line) => console.log(line) })].flat());
  } catch (error) {
    failed = true;
    console.error(`  failed: ${(error as Error).stack ?? error}`);
  }
  // Wall time per scenario, so the smoke run (CI) can be kept short.
  console.log(`  took ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
await db.server.stop();
removeProbeFiles();

const fmt = (n: number | undefined) =>
  n === undefined ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
console.log(
  '\n' +
    [
      'scenario',
      'ops/s',
      'p50 ms',
      'p99 ms',
      'ceiling ops/s',
      'ratio',
      'p99 @ rate',
      'max RSS MB',
      'errors',
      'target met',
    ].join(' | '),
);
const atRate = (r: ScenarioResult) => {
  if (!r.atRate) return '-';
  const own = `${fmt(r.atRate.measured.p99Ms)} @ ${r.atRate.ratePerSecond}/s`;
  return r.atRate.ceiling ? `${own} (bare ${fmt(r.atRate.ceiling.p99Ms)}, ${fmt(r.atRate.p99Ratio)}x)` : own;
};
for (const r of results) {
  const errors = Object.values(r.measured.errors).reduce((a, b) => a + b, 0);
  console.log(
    [
      r.name,
      fmt(r.measured.throughput),
      fmt(r.measured.p50Ms),
      fmt(r.measured.p99Ms),
      fmt(r.ceiling?.measured.throughput),
      r.ratio === undefined ? '-' : `${Math.round(r.ratio * 100)}%`,
      atRate(r),
      fmt(r.maxRssMb ?? r.measured.maxRssMb),
      String(errors),
      r.met === undefined ? 'n/a' : r.met ? 'yes' : 'NO',
    ].join(' | '),
  );
  for (const note of r.notes) console.log(`    ${note}`);
  for (const line of costLines(r)) console.log(`    ${line}`);
}
mkdirSync('bench-results', { recursive: true });
const report = JSON.stringify({ machine, options, results }, null, 2);
writeFileSync('bench-results/latest.json', report);
writeFileSync(`bench-results/${machine.date.replace(/[:.]/g, '-')}.json`, report);
console.log('\nwrote bench-results/latest.json');
process.exit(failed ? 1 : 0);

/**
 * `npm run soak`: steady mixed load against a real server process for a while (default 3 min;
 * `--short` = 20 s, what CI runs), then checks: no failed call, and nothing leaks per request:
 * the memory the server still holds after a full garbage collection (asked of the server through
 * scripts/soak-probe.mjs) and its open handles (from its own Prometheus metrics) stay flat.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import pg from 'pg';
import { createImsopClient, ImsopError } from '@imsop/sdk';
import { waitServing } from '../bench/environment.js';
import { acquirePostgresServer, freePort } from '../test/support/postgres-server.js';
import { createOrganization } from '../src/identity/organization-setup.js';
import { Passwords } from '../src/identity/passwords.js';
import { Database } from '../src/platform/db/database.js';
import { OWNER_ROLE } from '../src/platform/db/migrate.js';
import { createLogger } from '../src/platform/logger.js';
import { prepareDatabase } from '../src/runtime.js';

const opts = new Command('soak')
  .option('--short', 'a 20 s run (CI)')
  .option('--seconds <n>', 'duration', '180')
  .option('--concurrency <n>', 'callers', '16')
  .parse()
  .opts<{ short?: boolean; seconds: string; concurrency: string }>();
const seconds = opts.short ? 20 : Number(opts.seconds);
const APP_PASSWORD = 'imsop-soak-app-password';
const PAGE_TOKEN_SECRET = 'imsop-soak-page-token-secret-0123456789';
/**
 * A leak is memory still held after a full GC that grows by more than this between the two
 * readings. Runs without a leak moved it by at most 0.9 MB (2,100-4,800 calls between the
 * readings, the slower ones with two busy loops on 2 cores); a deliberate leak of about 750
 * bytes per call grew it by 3 MB over 4,400 calls. RSS is printed, not judged: it also moves with
 * how far V8 has grown its heap toward its working size, which on a slow machine is still going
 * on halfway through a 20 s run (a clean run once went 243 -> 330 MB in its second half).
 */
const LEAK_BYTES = 2 * 2 ** 20;

interface Retained {
  heapUsed: number;
  external: number;
  rss: number;
}

/** What the server still holds after a full GC, as scripts/soak-probe.mjs answers it. */
function retained(child: ChildProcess): Promise<Retained> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not answer the soak probe in 30 s')), 30_000);
    child.once('message', (answer) => {
      clearTimeout(timer);
      resolve(answer as Retained);
    });
    child.send('retained?');
  });
}

const sleepUntil = (at: number) => sleep(Math.max(0, at - Date.now()));

/**
 * Stops the server (SIGTERM, its graceful shutdown) and waits for it, killing it when it has not
 * exited after 30 s (a hung server must not hang the soak); at once when it has exited already.
 */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const killer = setTimeout(() => server.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(killer);
}

const server = await acquirePostgresServer();
const admin = new pg.Client({ connectionString: server.urlFor('postgres') });
await admin.connect();
const database = `imsop_soak_${process.pid}`;
await admin.query(`CREATE DATABASE ${database}`);
const adminUrl = server.urlFor(database);
let failed = false;
// The server under soak: killed in `finally` too, so a failed step (a reading, the login) cannot
// leave it running, holding its port and this process's stderr, after the soak has ended.
let child: ChildProcess | undefined;
try {
  await prepareDatabase(
    { mode: 'external', adminUrl, appPassword: APP_PASSWORD, stop: async () => {} },
    createLogger({ LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }),
  );
  const owner = new Database({ connectionString: adminUrl, role: OWNER_ROLE, poolMax: 1, statementTimeoutMs: 0 });
  await createOrganization(owner, new Passwords(4), {
    name: 'soak',
    admin: { email: 'soak@soak.test', displayName: 'Soak', password: 'soak-password-1' },
  });
  await owner.close();

  const [port, metricsPort] = [await freePort(), await freePort()];
  child = spawn(process.execPath, ['--import', 'tsx', '--import', './scripts/soak-probe.mjs', 'src/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: adminUrl,
      DATABASE_APP_PASSWORD: APP_PASSWORD,
      PAGE_TOKEN_SECRET,
      IMSOP_PORT: String(port),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      BCRYPT_COST: '4',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const address = `127.0.0.1:${port}`;
  await waitServing(address, 60_000);
  const imsop = createImsopClient({ address });
  const { accessToken } = await imsop.auth.login({
    organization: 'soak',
    email: 'soak@soak.test',
    password: 'soak-password-1',
  });
  imsop.setCredential(accessToken);
  const warehouse = (await imsop.warehouses.createWarehouse({ warehouse: { code: 'SOAK', name: 'Soak' } })).warehouse!;
  const product = (await imsop.products.createProduct({ product: { sku: 'SOAK-1', name: 'Soak product' } })).product!;
  await imsop.stock.receiveStock({ warehouseId: warehouse.id, productId: product.id, quantity: 1_000_000 });

  const handles = async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    return Number(/^nodejs_active_handles_total (\S+)/m.exec(text)?.[1] ?? NaN);
  };
  const counts = { ok: 0, failed: 0 };
  const errors: Record<string, number> = {};
  const startedAt = Date.now();
  const stopAt = startedAt + seconds * 1000;
  let n = 0;
  const operations = [
    () => imsop.auth.whoAmI({}),
    () => imsop.products.getProduct({ productId: product.id }),
    () => imsop.stock.getStockLevel({ warehouseId: warehouse.id, productId: product.id }),
    async () => {
      const { reservation } = await imsop.stock.reserveStock({
        warehouseId: warehouse.id,
        productId: product.id,
        quantity: 1,
      });
      await imsop.stock.releaseReservation({ reservationId: reservation!.id });
    },
    () =>
      imsop.users.createUser({ email: `soak-${n++}@soak.test`, displayName: 'Soak user', password: 'soak-password-1' }),
  ];
  const callers = Array.from({ length: Number(opts.concurrency) }, async (_, worker) => {
    for (let i = worker; Date.now() < stopAt; i++) {
      try {
        await operations[i % operations.length]!();
        counts.ok++;
      } catch (error) {
        counts.failed++;
        const key = error instanceof ImsopError ? `${error.codeName} ${error.reason ?? ''}` : String(error);
        errors[key] = (errors[key] ?? 0) + 1;
      }
    }
  });
  // Both readings are taken under the load. The first waits out the warm-up (caches filling, the
  // first compilations); from there to the end, a leak grows with the calls served.
  const readings = (async () => {
    await sleepUntil(startedAt + seconds * 1000 * 0.4);
    const first = { ...(await retained(child)), handles: await handles(), calls: counts.ok };
    await sleepUntil(stopAt - Math.min(1000, seconds * 1000 * 0.05)); // a moment before the callers stop
    const last = { ...(await retained(child)), handles: await handles(), calls: counts.ok };
    return { first, last };
  })();
  // Awaited once the callers are done; until then a failed reading (the server gone) must not
  // end the process as an unhandled rejection before the database is dropped.
  readings.catch(() => undefined);
  await Promise.all(callers);
  const { first, last } = await readings;
  imsop.close();
  await stopServer(child);

  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  const held = (reading: Retained) => reading.heapUsed + reading.external;
  const growth = held(last) - held(first);
  const callsBetween = last.calls - first.calls;
  console.log(
    `soak: ${seconds} s, ${opts.concurrency} callers, ${counts.ok} calls ok, ${counts.failed} failed ${JSON.stringify(errors)}`,
  );
  console.log(
    `  held after a full GC (V8 heap + external): ${mb(held(first))} -> ${mb(held(last))} MB over ${callsBetween} calls ` +
      `(${Math.round(growth / Math.max(1, callsBetween))} B per call); RSS ${mb(first.rss)} -> ${mb(last.rss)} MB; ` +
      `handles ${first.handles} -> ${last.handles}`,
  );
  if (counts.failed > 0) failed = true;
  if (growth > LEAK_BYTES || last.handles > first.handles + 10) {
    console.log('  resource growth beyond bounds');
    failed = true;
  }
} finally {
  if (child) await stopServer(child);
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
  await server.stop();
}
console.log(failed ? 'soak FAILED' : 'soak passed');
process.exit(failed ? 1 : 0);

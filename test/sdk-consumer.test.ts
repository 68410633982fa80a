import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImsopClient, procurement, shipments, type ImsopClient } from './support/sdk.js';
import { seedOrganization, startTestServer, type SeededOrganization, type TestServer } from './support/server.js';

/**
 * @imsop/sdk as another team installs it: packed into a tarball, installed into a fresh project
 * outside the repository (nothing of the repository's sources or node_modules in reach), the
 * README's SDK program and examples/ type-checked there in strict mode, then run with node
 * against real servers. Also measures what installing the tarball alone brings.
 */
const run = promisify(execFile);
const repo = process.cwd();
/** The limits the SDK promises: what a gRPC client needs and nothing more. */
const MAX_PACKAGES = 45;
const MAX_BYTES = 25_000_000;

/** npm in the fresh project, without the npm_* settings of an `npm test` that may be running this. */
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
);
const npm = (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd,
    env: cleanEnv,
    maxBuffer: 64 * 1024 * 1024,
  });

/** The ```ts blocks of a Markdown section (from its heading to the next one of the same level). */
function tsBlocks(markdown: string, heading?: string): string[] {
  let text = markdown;
  if (heading) {
    const start = text.indexOf(`${heading}\n`);
    if (start < 0) throw new Error(`no section "${heading}"`);
    const level = heading.match(/^#+/)![0];
    const next = text.indexOf(`\n${level} `, start + heading.length);
    text = text.slice(start, next < 0 ? undefined : next);
  }
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

let work: string;
let app: string;
let tarballFiles: string[];
let installed: { packages: number; bytes: number; names: string[] };
let owner: TestServer;
let replica: TestServer;
let org: SeededOrganization;
let imsop: ImsopClient;
let env: NodeJS.ProcessEnv;
let warehouses: string[];
let productId: string;

/** The SDK packed as `npm pack` packs it, from a build of the current sources (in a folder of this test's own). */
async function packSdk(): Promise<string> {
  const staged = path.join(work, 'sdk');
  await mkdir(staged, { recursive: true });
  await run(path.join(repo, 'node_modules/.bin/tsc'), [
    '-p',
    'packages/sdk/tsconfig.json',
    '--outDir',
    path.join(staged, 'dist'),
  ]);
  await cp('packages/sdk/package.json', path.join(staged, 'package.json'));
  await cp('packages/sdk/README.md', path.join(staged, 'README.md'));
  const { stdout } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], staged);
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarballFiles = packed!.files.map((f) => f.path);
  return path.join(work, packed!.filename);
}

/** A fresh project with the tarball installed (measured), then TypeScript, the programs and a strict tsconfig. */
async function consumerProject(tarball: string): Promise<void> {
  app = path.join(work, 'app');
  await mkdir(path.join(app, 'src'), { recursive: true });
  await writeFile(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'imsop-sdk-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2),
  );
  await npm(['install', tarball], app);
  const { stdout } = await npm(['ls', '--all', '--parseable'], app);
  const paths = stdout.trim().split('\n').slice(1); // the first line is the project itself
  const { stdout: du } = await run('du', ['-sb', path.join(app, 'node_modules')]);
  installed = {
    packages: paths.length,
    bytes: Number(du.split(/\s/)[0]),
    names: paths.map((p) => path.relative(path.join(app, 'node_modules'), p)),
  };

  const version = async (name: string) =>
    (JSON.parse(await readFile(path.join(repo, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
      .version;
  await npm(
    [
      'install',
      '--save-dev',
      `typescript@${await version('typescript')}`,
      `@types/node@${await version('@types/node')}`,
    ],
    app,
  );
  await writeFile(
    path.join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        types: ['node'],
        strict: true,
        noUncheckedIndexedAccess: true,
        outDir: 'dist',
        rootDir: 'src',
      },
      include: ['src'],
    }),
  );
  for (const file of await readdir('examples'))
    if (file.endsWith('.ts')) await cp(path.join('examples', file), path.join(app, 'src', file));
  const [quickstart, ...others] = tsBlocks(await readFile('README.md', 'utf8'), '## Calling IMSOP from code: the SDK');
  expect(quickstart, 'the README SDK section has its program').toBeDefined();
  expect(others).toEqual([]);
  await writeFile(path.join(app, 'src', 'quickstart.ts'), quickstart!);
  for (const [i, block] of tsBlocks(await readFile('packages/sdk/README.md', 'utf8')).entries())
    await writeFile(path.join(app, 'src', `sdk-readme-${i + 1}.ts`), block);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'imsop-sdk-consumer-'));
  const project = packSdk().then(consumerProject);
  owner = await startTestServer();
  replica = await startTestServer({ database: owner.database });
  org = await seedOrganization(owner);
  imsop = createImsopClient({ address: owner.address });
  imsop.setCredential(
    (await imsop.auth.login({ organization: org.name, email: org.adminEmail, password: org.adminPassword }))
      .accessToken,
  );
  env = {
    PATH: process.env.PATH,
    IMSOP_ADDRESS: owner.address,
    IMSOP_ORGANIZATION: org.name,
    IMSOP_EMAIL: org.adminEmail,
    IMSOP_PASSWORD: org.adminPassword,
  };
  warehouses = await Promise.all(
    ['EX-1', 'EX-2'].map(
      async (code) =>
        (await imsop.warehouses.createWarehouse({ warehouse: { code, name: `Example ${code}` } })).warehouse!.id,
    ),
  );
  const supplier = (await imsop.suppliers.createSupplier({ supplier: { name: 'Example Supplies' } })).supplier!;
  const product = (
    await imsop.products.createProduct({
      product: {
        sku: 'EX-BOLT',
        name: 'Bolt',
        supplierId: supplier.id,
        reorderPoint: 10,
        reorderQuantity: 50,
        unitCost: { currencyCode: 'EUR', units: 0, nanos: 250_000_000 },
      },
    })
  ).product!;
  productId = product.id;
  await imsop.stock.receiveStock({ warehouseId: warehouses[0]!, productId, quantity: 10 });
  await project;
}, 300_000);

afterAll(async () => {
  imsop?.close();
  await replica?.stop();
  await owner?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function transfer(trackingNumber: string): Promise<string> {
  const { shipment } = await imsop.shipments.createShipment({
    type: shipments.ShipmentType.SHIPMENT_TYPE_TRANSFER,
    carrier: 'Example Freight',
    trackingNumber,
    originWarehouseId: warehouses[0]!,
    destinationWarehouseId: warehouses[1]!,
    items: [{ productId, quantity: 1 }],
  });
  return shipment!.id;
}

/** A program of the consumer project running with node, its output followed line by line. */
function start(program: string, args: string[], programEnv: NodeJS.ProcessEnv = env) {
  const child = spawn(process.execPath, [path.join('dist', program), ...args], {
    cwd: app,
    env: programEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const until = async (pattern: RegExp) => {
    for (const deadline = Date.now() + 60_000; !lines.some((l) => pattern.test(l));) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no line like ${pattern}; output:\n${lines.join('\n')}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { lines, exited, until, stderr: () => stderr };
}

describe('@imsop/sdk installed from its tarball into a fresh project', () => {
  it('packs only the built client: ESM, declarations, its README; no sources, no server code', () => {
    expect(tarballFiles).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts']),
    );
    for (const file of tarballFiles) {
      expect(file, file).toMatch(/^(package\.json|README\.md|dist\/(src|gen)\/.+\.(js|d\.ts))$/);
      expect(file, file).not.toMatch(/reflection|server|access/);
    }
  });

  it(`installs with no more than what a gRPC client needs (<= ${MAX_PACKAGES} packages, <= ${MAX_BYTES / 1e6} MB)`, () => {
    console.log(
      `@imsop/sdk tarball installs ${installed.packages} packages, ${(installed.bytes / 1e6).toFixed(1)} MB: ${installed.names.join(' ')}`,
    );
    expect(installed.names).toEqual(
      expect.arrayContaining(['@imsop/sdk', '@grpc/grpc-js', 'nice-grpc', '@bufbuild/protobuf']),
    );
    expect(installed.packages).toBeLessThanOrEqual(MAX_PACKAGES);
    expect(installed.bytes).toBeLessThanOrEqual(MAX_BYTES);
  });

  it('type-checks the README program, its own README and examples/ in strict mode', async () => {
    const compiled = await run(path.join(app, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: app, env: cleanEnv }).catch(
      (e: { stdout: string }) => e,
    );
    expect(compiled.stdout).toBe('');
    expect((await readdir(path.join(app, 'dist'))).sort()).toEqual(
      expect.arrayContaining(['quickstart.js', 'scanner.js', 'low-stock-reorder.js', 'dashboard.js']),
    );
  });

  it('examples/low-stock-reorder raises and submits a purchase order for the low product, its total exact', async () => {
    const program = start('low-stock-reorder.js', []);
    expect(await program.exited, program.stderr()).toBe(0);
    expect(program.lines).toContain('1 stock level(s) at or below their reorder point');
    expect(program.lines.join('\n')).toMatch(/purchase order \S+ for supplier \S+: 1 line\(s\), 12\.50 EUR, submitted/);
    const { purchaseOrders } = await imsop.purchaseOrders.listPurchaseOrders({});
    expect(purchaseOrders).toHaveLength(1);
    const { purchaseOrder } = await imsop.purchaseOrders.getPurchaseOrder({ id: purchaseOrders[0]!.id });
    expect(purchaseOrder!.status).toBe(procurement.PurchaseOrderStatus.PURCHASE_ORDER_STATUS_SUBMITTED);
    expect(purchaseOrder!.items[0]).toMatchObject({ productId, quantityOrdered: 50 });
  });

  it('examples/scanner streams its updates through a scanner session, each stored once', async () => {
    const shipmentId = await transfer('EX-TRACK-1');
    const program = start('scanner.js', [shipmentId, '6']);
    expect(await program.exited, program.stderr()).toBe(0);
    expect(program.lines).toContain('6 update(s) acknowledged (0 already stored), 0 rejected, 0 reconnection(s)');
    const { trackingPoints } = await imsop.tracking.listTrackingPoints({ shipmentId, pageSize: 100 });
    expect(trackingPoints.map((p) => p.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(trackingPoints.map((p) => p.updateId)).size).toBe(6);
  });

  it('examples/dashboard prints live events from the organization feed', async () => {
    const shipmentId = await transfer('EX-TRACK-2');
    const program = start('dashboard.js', ['5']);
    await program.until(/^watching/);
    await new Promise((r) => setTimeout(r, 500)); // the watch is open
    await imsop.tracking.recordTrackingUpdate({
      update: {
        updateId: 'dash-1',
        shipmentId,
        location: 'Hamburg hub',
        position: { latitude: 53.55, longitude: 9.99 },
        eventTime: new Date(),
      },
    });
    expect(await program.exited, program.stderr()).toBe(0);
    expect(program.lines).toContain(`tracking: shipment ${shipmentId} #1 at Hamburg hub`);
  });

  it("the README's program signs in, pages, reserves with a deadline, handles a typed error, and follows a shipment across a server shutdown", async () => {
    const shipmentId = await transfer('EX-TRACK-3');
    const point = (updateId: string, location: string, status = shipments.ShipmentStatus.SHIPMENT_STATUS_UNSPECIFIED) =>
      imsop.tracking.recordTrackingUpdate({
        update: { updateId, shipmentId, location, eventTime: new Date(), status },
      });
    await point('qs-1', 'Hamburg hub');
    const [level] = (await imsop.stock.listStockLevels({ pageSize: 1 })).stockLevels;
    // Both instances behind one target, as replicas are: the program starts on `replica`.
    const program = start('quickstart.js', [shipmentId], {
      ...env,
      IMSOP_ADDRESS: `ipv4:${replica.address},${owner.address}`,
    });
    await program.until(/^#1 at Hamburg hub$/);
    await replica.stop();
    await program.until(/^resuming after #1 \(SERVER_SHUTTING_DOWN\)$/);
    await point('qs-2', 'On the road', shipments.ShipmentStatus.SHIPMENT_STATUS_IN_TRANSIT);
    await point('qs-3', 'Delivered to EX-2', shipments.ShipmentStatus.SHIPMENT_STATUS_DELIVERED);
    expect(await program.exited, program.stderr()).toBe(0);

    expect(program.lines).toContain('product EX-BOLT: 0.25 EUR');
    expect(program.lines.find((l) => l.startsWith('reserved 2 until '))).toMatch(/^reserved 2 until \d{4}-\d\d-\d\dT/);
    expect(program.lines).toContain(`only ${level!.quantityAvailable - 2} available, 1000000 requested`);
    expect(program.lines.filter((l) => l.startsWith('#'))).toEqual([
      '#1 at Hamburg hub',
      '#2 at On the road',
      '#3 at Delivered to EX-2',
    ]);
    const { reservations } = await imsop.stock.listReservations({
      warehouseId: level!.warehouseId,
      productId: level!.productId,
    });
    expect(reservations.map((r) => r.quantity)).toContain(2);
  }, 120_000);
});

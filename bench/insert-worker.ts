/**
 * The tracking-ingest ceiling as a load-generator process: the rows scanners would send,
 * INSERTed into shipment_tracking in batches straight through pg, one autocommit statement per
 * batch (the same unnest statement shape the service uses), on `connections` connections in
 * closed loop. Each connection owns some of the shipments and numbers their points itself, so
 * no lock or duplicate check is needed: this is what the table and the commit cost alone.
 *
 * `statements: 'service'` sends instead what the service sends per batch, as the app role
 * (row level security on): BEGIN with the tenant settings, the shipments' row locks, the INSERT
 * with the counter UPDATE (re-sends are caught by the update_id key), COMMIT. The gap between the two is the price of
 * correctness in SQL and round trips; the gap between this and the service is the server's own.
 */
import pg from 'pg';
import { encodeHistogram, newHistogram } from './histogram.js';
import type { InsertJob, InsertResult } from './stream-protocol.js';
import { cpuSpent } from './process-cpu.js';

const POINTS = `
  SELECT $1::uuid, p.shipment_id, p.shipment_created_at, p.sequence, p.update_id, p.location, p.latitude, p.longitude, p.event_time, p.status, p.note, p.recorded_by
  FROM unnest($2::uuid[], $3::timestamptz[], $4::bigint[], $5::text[], $6::text[], $7::float8[], $8::float8[], $9::timestamptz[], $10::text[], $11::text[], $12::uuid[])
    AS p (shipment_id, shipment_created_at, sequence, update_id, location, latitude, longitude, event_time, status, note, recorded_by)`;
const COLUMNS =
  'organization_id, shipment_id, shipment_created_at, sequence, update_id, location, latitude, longitude, event_time, status, note, recorded_by';
const SERVICE = [
  `SELECT id, status, last_sequence, created_at::text AS partition_key, now() FROM shipments WHERE organization_id = $1 AND id = ANY ($2::uuid[]) ORDER BY id FOR NO KEY UPDATE`,
  `WITH stored AS (INSERT INTO shipment_tracking (${COLUMNS}) ${POINTS})
   UPDATE shipments AS s SET last_sequence = v.last_sequence FROM unnest($13::uuid[], $14::bigint[]) AS v (id, last_sequence)
     WHERE s.organization_id = $1 AND s.id = v.id`,
];
const INSERT = `INSERT INTO shipment_tracking (${COLUMNS}) ${POINTS}`;

async function main(job: InsertJob): Promise<void> {
  const histogram = newHistogram();
  const errors: Record<string, number> = {};
  let rows = 0;
  let batches = 0;
  const spent = cpuSpent();
  const stopAt = performance.now() + job.durationMs;
  await Promise.all(
    Array.from({ length: job.connections }, async (_, c) => {
      const own = job.shipments.filter((_, i) => i % job.connections === c);
      if (own.length === 0) return;
      const sequences = own.map(() => 0);
      const client = new pg.Client({ connectionString: job.url });
      client.on('error', () => {});
      await client.connect();
      let n = 0;
      try {
        while (performance.now() < stopAt) {
          const cols: unknown[][] = Array.from({ length: 11 }, () => []);
          for (let i = 0; i < job.batchSize; i++, n++) {
            const k = n % own.length;
            const s = own[k]!;
            const at = new Date();
            const values = [
              s.id,
              s.createdAt,
              ++sequences[k]!,
              `${job.runId}-${c}-${n}`,
              `Bench dock ${n % 16}`,
              52.5 + (n % 100) / 1000,
              13.4 + (n % 100) / 1000,
              at,
              null,
              '',
              null,
            ];
            values.forEach((v, j) => cols[j]!.push(v));
          }
          const started = performance.now();
          try {
            if (job.statements === 'service') {
              const ids = own.map((o) => o.id);
              // As the service opens every transaction: BEGIN and the tenant settings in one message.
              await client.query(
                `BEGIN; SELECT set_config('app.org_id', ${pg.escapeLiteral(job.organizationId)}, true), set_config('app.user_id', '', true), set_config('app.actor_kind', 'user', true)`,
              );
              await client.query(SERVICE[0]!, [job.organizationId, ids]);
              await client.query(SERVICE[1]!, [job.organizationId, ...cols, ids, sequences]);
              await client.query('COMMIT');
            } else {
              await client.query(INSERT, [job.organizationId, ...cols]);
            }
            histogram.recordValue(Math.max(1, Math.round((performance.now() - started) * 1000)));
            rows += job.batchSize;
            batches++;
          } catch (error) {
            const key = (error as Error).message.slice(0, 80);
            errors[key] = (errors[key] ?? 0) + 1;
          }
        }
      } finally {
        await client.end();
      }
    }),
  );
  const result: InsertResult = {
    rows,
    batches,
    errors,
    histogram: encodeHistogram(histogram),
    cpuUs: spent(),
  };
  process.send!(result, () => process.disconnect());
}

process.once('message', (job) =>
  main(job as InsertJob).catch((error) => {
    console.error(error);
    process.exit(1);
  }),
);

/**
 * A scanner in a truck: streams tracking updates for a shipment, each with its own id, and keeps
 * every update until the server acknowledges it. When the connection drops it reconnects and
 * re-sends whatever was not acknowledged; the server stores each update id once, so nothing is
 * lost or counted twice.
 *
 *   npx tsx examples/scanner.ts <shipment-id> [updates]
 */
import { randomUUID } from 'node:crypto';
import { ImsopError, Status } from '@imsop/sdk';
import { connect } from './connect.js';

const [shipmentId, countArg = '5'] = process.argv.slice(2);
if (!shipmentId) {
  console.error('usage: scanner.ts <shipment-id> [updates]');
  process.exit(2);
}
const imsop = await connect();
const pending = new Map<string, { updateId: string; shipmentId: string; location: string; position: { latitude: number; longitude: number }; eventTime: Date }>();
for (let i = 0; i < Number(countArg); i++) {
  const updateId = randomUUID();
  pending.set(updateId, { updateId, shipmentId, location: `Checkpoint ${i + 1}`, position: { latitude: 52.52 + i / 100, longitude: 13.4 + i / 100 }, eventTime: new Date() });
}

let attempt = 0;
try {
  while (pending.size > 0) {
    attempt++;
    const outgoing = [...pending.values()];
    // Drop the connection on purpose after the first ack of the first attempt, to show resuming.
    const abort = new AbortController();
    try {
      const stream = imsop.tracking.streamTrackingUpdates(
        (async function* () {
          // One update per message here for clarity; a busy scanner may batch several.
          for (const update of outgoing) yield { updates: [update] };
        })(),
        { signal: abort.signal },
      );
      for await (const { acks } of stream) {
        for (const ack of acks) {
          if (ack.error) console.log(`update ${ack.updateId} rejected: ${ack.error.message}`);
          else console.log(`update ${ack.updateId} stored as sequence ${ack.sequence}${ack.duplicate ? ' (already had it)' : ''}`);
          pending.delete(ack.updateId);
          if (attempt === 1 && process.env.SCANNER_DROP_ONCE === '1') abort.abort();
        }
      }
    } catch (error) {
      const retryable = error instanceof ImsopError ? error.code === Status.UNAVAILABLE : (error as Error).name === 'AbortError';
      if (!retryable || attempt > 10) throw error;
      console.log(`connection lost; reconnecting to re-send ${pending.size} unacknowledged update(s)`);
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  console.log(`all updates acknowledged after ${attempt} connection(s)`);
} finally {
  imsop.close();
}

/**
 * A scanner in a truck: streams tracking updates for a shipment through a scanner session,
 * which batches them, holds each until the server acknowledges it, and after a dropped
 * connection or a server restart reconnects and re-sends what had no ack. The server stores
 * each update id once, so nothing is lost or counted twice.
 *
 *   npx tsx examples/scanner.ts <shipment-id> [updates]
 */
import { randomUUID } from 'node:crypto';
import { openScannerSession } from '@imsop/sdk';
import { connect } from './connect.js';

const [shipmentId, countArg = '5'] = process.argv.slice(2);
if (!shipmentId) {
  console.error('usage: scanner.ts <shipment-id> [updates]');
  process.exit(2);
}
const imsop = await connect();
try {
  const session = openScannerSession(imsop, {
    batchSize: 20,
    onAck: (ack) =>
      console.log(
        `update ${ack.updateId} stored as sequence ${ack.sequence}${ack.duplicate ? ' (already had it)' : ''}`,
      ),
    onRejected: (update, error) => console.log(`update ${update.updateId} rejected: ${error.reason} ${error.message}`),
    onResume: (error, unacknowledged) =>
      console.log(
        `connection lost (${error.reason ?? error.codeName}); re-sending ${unacknowledged} unacknowledged update(s)`,
      ),
  });
  for (let i = 0; i < Number(countArg); i++) {
    // Waits whenever too many updates are unacknowledged (backpressure).
    await session.send({
      updateId: randomUUID(),
      shipmentId,
      location: `Checkpoint ${i + 1}`,
      position: { latitude: 52.52 + i / 100, longitude: 13.4 + i / 100 },
      eventTime: new Date(),
    });
  }
  const { acknowledged, duplicates, rejected, reconnections } = await session.close();
  console.log(
    `${acknowledged} update(s) acknowledged (${duplicates} already stored), ${rejected} rejected, ${reconnections} reconnection(s)`,
  );
} finally {
  imsop.close();
}

import type { ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  StreamTrackingUpdatesRequest,
  StreamTrackingUpdatesResponse,
} from '../gen/ts/imsop/shipments/v1/tracking_service.js';
import { statusError } from './support/expect-error.js';
import { bearer } from './support/grpc.js';
import { Status } from './support/sdk.js';
import { startTestServer, type TestServer } from './support/server.js';
import { createTrackableShipment, update } from './support/shipments.js';
import { signedInTenant, type Tenant } from './support/tenant.js';

/**
 * The scanner stream still speaks the first release of v1: one update per message in the
 * (now deprecated) `update` field, field 1, answered by one response per update carrying `ack`,
 * field 1. Clients built from that release keep working next to batching ones.
 */
let ts: TestServer;
let a: Tenant;

beforeAll(async () => {
  ts = await startTestServer();
  a = await signedInTenant(ts);
});
afterAll(() => ts?.stop());

/** Writes the messages, half-closes, and collects every response until the stream ends. */
async function exchange(messages: StreamTrackingUpdatesRequest[]): Promise<StreamTrackingUpdatesResponse[]> {
  const call = ts.clients.tracking.streamTrackingUpdates(bearer(a.token));
  const responses: StreamTrackingUpdatesResponse[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    call.on('data', (r: StreamTrackingUpdatesResponse) => responses.push(r));
    call.on('error', (e: ServiceError) => reject(e));
    call.on('end', resolve);
  });
  for (const m of messages) call.write(m);
  call.end();
  await ended;
  return responses;
}

describe('scanner stream, first-release form', () => {
  it('answers each update sent in `update` with a response of its own carrying `ack`, in order', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const responses = await exchange([
      { update: update(shipment.id, 'one'), updates: [] },
      { update: update(shipment.id, 'bad', { position: { latitude: 91, longitude: 0 } }), updates: [] },
      { update: update(shipment.id, 'two'), updates: [] },
    ]);
    expect(responses).toHaveLength(3);
    expect(responses.every((r) => r.acks.length === 0)).toBe(true);
    expect(responses.map((r) => [r.ack?.updateId, r.ack?.sequence])).toEqual([
      ['one', 1],
      ['bad', 0],
      ['two', 2],
    ]);
    const bad = statusError(responses[1]!.ack!.error!);
    expect(bad.code).toBe(Status.INVALID_ARGUMENT);
    // Violations name the field the client set.
    expect(bad.fieldViolations.map((v) => v.field)).toEqual(['update.position.latitude']);
  });

  it('stores a message carrying both forms as the single update followed by the batch', async () => {
    const shipment = await createTrackableShipment(a.imsop);
    const responses = await exchange([
      {
        update: update(shipment.id, 'single'),
        updates: [update(shipment.id, 'batch-0'), update(shipment.id, 'batch-1')],
      },
    ]);
    const answered = responses.flatMap((r) =>
      r.ack ? [['ack', r.ack.updateId, r.ack.sequence]] : r.acks.map((x) => ['acks', x.updateId, x.sequence]),
    );
    expect(answered).toEqual([
      ['ack', 'single', 1],
      ['acks', 'batch-0', 2],
      ['acks', 'batch-1', 3],
    ]);
    expect(responses[0]).toMatchObject({ acks: [] });
  });
});

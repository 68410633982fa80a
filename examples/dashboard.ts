/**
 * A dashboard: watches the organization's live feed of shipment status changes and tracking
 * points, printing each as it arrives, for a number of seconds.
 *
 *   npx tsx examples/dashboard.ts [seconds]
 */
import { connect } from './connect.js';

const seconds = Number(process.argv[2] ?? '30');
const imsop = await connect();
const stop = new AbortController();
const timer = setTimeout(() => stop.abort(), seconds * 1000);
console.log(`watching the organization feed for ${seconds} s`);
try {
  for await (const event of imsop.tracking.watchOrganizationFeed({}, { signal: stop.signal })) {
    if (event.trackingPoint) {
      const p = event.trackingPoint;
      console.log(`tracking: shipment ${p.shipmentId} #${p.sequence} at ${p.location}`);
    } else if (event.shipment) {
      console.log(
        `shipment ${event.shipment.trackingNumber || event.shipment.id} is now status ${event.shipment.status}`,
      );
    }
  }
} catch (error) {
  if ((error as Error).name !== 'AbortError') throw error;
} finally {
  clearTimeout(timer);
  imsop.close();
}

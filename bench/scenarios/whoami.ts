import { WhoAmIRequest } from '../../gen/ts/imsop/identity/v1/auth_service.js';
import { benchTenant } from '../bench-tenant.js';
import { startEchoServer, startImsop } from '../environment.js';
import { authMetadata, rawCall } from '../raw-call.js';
import type { Scenario } from '../scenario.js';
import { measure } from '../workers.js';

/**
 * WhoAmI: authentication from the principal cache plus a small read; next to the bare grpc-js
 * ceiling answering the same response size. Shows the fixed per-call cost of the service.
 */
export const whoAmI: Scenario = {
  name: 'whoami',
  description: 'WhoAmI, authenticated (cached principal) vs bare grpc-js',
  async run(ctx) {
    const imsop = await startImsop(ctx.db);
    try {
      const tenant = await benchTenant(ctx, imsop.address);
      const request = Buffer.from(WhoAmIRequest.encode({}).finish());
      const path = '/imsop.identity.v1.AuthService/WhoAmI';
      const sample = await rawCall(imsop.address, path, request, authMetadata(tenant.auth));
      const echo = await startEchoServer(sample.length);
      try {
        const base = { durationMs: ctx.durationMs, mode: { kind: 'closed' as const, concurrency: ctx.concurrency } };
        const target = { kind: 'grpc' as const, requestsBase64: [request.toString('base64')], channels: 4 };
        const ceiling = await measure(
          { ...base, target: { ...target, address: echo.address, path: '/bench.Echo/Call', metadata: {} } },
          ctx.processes,
          echo.pid,
        );
        const measured = await measure(
          { ...base, target: { ...target, address: imsop.address, path, metadata: tenant.auth } },
          ctx.processes,
          imsop.pid,
        );
        const ratio = measured.throughput / Math.max(1, ceiling.throughput);
        return {
          name: this.name,
          target: '>= 60% of the transport ceiling',
          measured,
          ceiling: { name: `bare grpc-js, ${sample.length}-byte response`, measured: ceiling },
          ratio,
          met: ctx.smoke ? undefined : ratio >= 0.6,
          notes: [`${ctx.concurrency} callers over ${ctx.processes} processes x 4 channels`],
        };
      } finally {
        await echo.stop();
      }
    } finally {
      await imsop.stop();
    }
  },
};

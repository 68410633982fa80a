import { credentials, Client, Metadata } from '@grpc/grpc-js';
import { LoginRequest, LoginResponse, WhoAmIRequest } from '../../gen/ts/imsop/identity/v1/auth_service.js';
import { createOrganization } from '../../src/identity/organization-setup.js';
import { Passwords } from '../../src/identity/passwords.js';
import { Database } from '../../src/platform/db/database.js';
import { OWNER_ROLE } from '../../src/platform/db/migrate.js';
import { startEchoServer, startImsop } from '../environment.js';
import type { Scenario } from '../scenario.js';
import { measure } from '../workers.js';

export const BENCH_ORG = { name: 'bench-main', email: 'bench@bench.test', password: 'bench-password-123' };

/** Ensures the benchmark tenant exists and returns a bearer token for it (through the real Login RPC). */
export async function benchToken(adminUrl: string, address: string): Promise<string> {
  const owner = new Database({ connectionString: adminUrl, role: OWNER_ROLE, poolMax: 1, statementTimeoutMs: 0 });
  try {
    await createOrganization(owner, new Passwords(4), { name: BENCH_ORG.name, admin: { email: BENCH_ORG.email, displayName: 'Bench', password: BENCH_ORG.password } });
  } catch (error) {
    if ((error as { reason?: string }).reason !== 'ORGANIZATION_NAME_TAKEN') throw error;
  } finally {
    await owner.close();
  }
  return (await rawCall(address, '/imsop.identity.v1.AuthService/Login', Buffer.from(LoginRequest.encode({ organization: BENCH_ORG.name, email: BENCH_ORG.email, password: BENCH_ORG.password }).finish()), new Metadata()).then((b) => LoginResponse.decode(b))).accessToken;
}

export function rawCall(address: string, path: string, request: Buffer, metadata: Metadata): Promise<Buffer> {
  const client = new Client(address, credentials.createInsecure());
  const identity = (b: Buffer) => b;
  return new Promise<Buffer>((resolve, reject) =>
    client.makeUnaryRequest(path, identity, identity, request, metadata, (error, response) => {
      client.close();
      return error ? reject(error) : resolve(response!);
    }),
  );
}

/**
 * An authenticated unary call served from the principal cache (no database round trip when
 * warm), next to the bare grpc-js ceiling answering the same response size. Stands in for
 * "GetProduct, warm cache" until the inventory scenarios exist; same shape, same target.
 */
export const whoAmIWarm: Scenario = {
  name: 'whoami-warm',
  description: 'WhoAmI, authenticated, warm principal cache vs bare grpc-js',
  async run(ctx) {
    const imsop = await startImsop(ctx.db);
    try {
      const token = await benchToken(ctx.db.adminUrl, imsop.address);
      const request = Buffer.from(WhoAmIRequest.encode({}).finish());
      const md = new Metadata();
      md.set('authorization', `Bearer ${token}`);
      const sample = await rawCall(imsop.address, '/imsop.identity.v1.AuthService/WhoAmI', request, md);
      const echo = await startEchoServer(sample.length);
      try {
        const base = { durationMs: ctx.durationMs, mode: { kind: 'closed' as const, concurrency: ctx.concurrency } };
        const grpcTarget = { kind: 'grpc' as const, requestsBase64: [request.toString('base64')], channels: 4 };
        const ceiling = await measure({ ...base, target: { ...grpcTarget, address: echo.address, path: '/bench.Echo/Call', metadata: {} } }, ctx.processes);
        const measured = await measure({ ...base, target: { ...grpcTarget, address: imsop.address, path: '/imsop.identity.v1.AuthService/WhoAmI', metadata: { authorization: `Bearer ${token}` } } }, ctx.processes);
        const rate = Math.max(10, Math.round(measured.throughput / 2));
        const atRate = await measure({ durationMs: ctx.durationMs, mode: { kind: 'rate', ratePerSecond: rate }, target: { ...grpcTarget, address: imsop.address, path: '/imsop.identity.v1.AuthService/WhoAmI', metadata: { authorization: `Bearer ${token}` } } }, ctx.processes);
        const ratio = measured.throughput / Math.max(1, ceiling.throughput);
        return {
          name: this.name,
          target: '>= 60% of transport ceiling; p99 <= 5 ms at half the measured rate',
          measured,
          ceiling: { name: `bare grpc-js, ${sample.length}-byte response`, measured: ceiling },
          ratio,
          atRate: { ratePerSecond: rate, measured: atRate },
          met: ctx.smoke ? undefined : ratio >= 0.6 && atRate.p99Ms <= 5,
          notes: [`response ${sample.length} bytes`, `${ctx.concurrency} callers over ${ctx.processes} processes x 4 channels`],
        };
      } finally {
        await echo.stop();
      }
    } finally {
      await imsop.stop();
    }
  },
};

import { Metadata } from '@grpc/grpc-js';
import pg from 'pg';
import { LoginRequest, LoginResponse } from '../gen/ts/imsop/identity/v1/auth_service.js';
import { ensureBenchData, FULL, SMOKE } from './data-generator.js';
import type { ScenarioContext } from './scenario.js';
import { rawCall } from './raw-call.js';

export const BENCH_ORG = { name: 'bench-main', email: 'bench@bench.test', password: 'bench-password-123' };

export interface BenchTenant {
  organizationId: string;
  token: string;
  /** authorization metadata as a plain record, for load workers. */
  auth: Record<string, string>;
}

/** The loaded benchmark tenant (generated on first use) and a token for it, through the real Login RPC. */
export async function benchTenant(ctx: ScenarioContext, address: string): Promise<BenchTenant> {
  const organizationId = await ensureBenchData(
    ctx.db.adminUrl,
    ctx.smoke ? SMOKE : FULL,
    BENCH_ORG.name,
    BENCH_ORG.email,
  );
  const login = LoginResponse.decode(
    await rawCall(
      address,
      '/imsop.identity.v1.AuthService/Login',
      Buffer.from(
        LoginRequest.encode({
          organization: BENCH_ORG.name,
          email: BENCH_ORG.email,
          password: BENCH_ORG.password,
        }).finish(),
      ),
      new Metadata(),
    ),
  );
  return { organizationId, token: login.accessToken, auth: { authorization: `Bearer ${login.accessToken}` } };
}

/** Runs one query as the owner (bench setup reads: ids, a hot level). */
export async function adminQuery<R extends pg.QueryResultRow>(
  adminUrl: string,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

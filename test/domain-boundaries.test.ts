import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * Domains are peers: the lint rule (eslint.config.js) refuses any import of another domain from a
 * domain, and of anything above the platform from the platform, so CI's lint step fails on a new one.
 */
describe('domain boundaries', () => {
  const eslint = new ESLint();
  const lint = async (filePath: string, code: string) =>
    (await eslint.lintText(code, { filePath }))[0]!.messages.map((m) => m.ruleId);

  it("refuse a domain importing another domain's inner file", async () => {
    expect(
      await lint('src/shipments/probe.ts', "export { StockLedger } from '../inventory/stock-ledger.js';\n"),
    ).toContain('no-restricted-imports');
    expect(
      await lint(
        'src/analytics/metrics/probe.ts',
        "export { ReceivingService } from '../../procurement/receiving.js';\n",
      ),
    ).toContain('no-restricted-imports');
  });

  it("refuse a domain importing even another domain's public face, and the platform importing a domain", async () => {
    expect(await lint('src/shipments/probe.ts', "export { StockLedger } from '../inventory/index.js';\n")).toContain(
      'no-restricted-imports',
    );
    expect(
      await lint('src/platform/grpc/probe.ts', "export { StockLedger } from '../../inventory/index.js';\n"),
    ).toContain('no-restricted-imports');
  });

  it("allow the platform in a domain, and a domain's public face in the composition root's adapters", async () => {
    expect(await lint('src/shipments/probe.ts', "export { AppError } from '../platform/errors.js';\n")).toEqual([]);
    expect(await lint('src/adapters/probe.ts', "export { StockLedger } from '../inventory/index.js';\n")).toEqual([]);
  });
});

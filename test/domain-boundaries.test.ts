import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * Domains are peers behind one public face each: the lint rule (eslint.config.js) refuses an
 * import of another domain's inner file, so CI's lint step fails on a new one.
 */
describe('domain boundaries', () => {
  const eslint = new ESLint();
  const lint = async (filePath: string, code: string) => (await eslint.lintText(code, { filePath }))[0]!.messages.map((m) => m.ruleId);

  it("refuse a domain importing another domain's inner file", async () => {
    expect(await lint('src/shipments/probe.ts', "export { StockLedger } from '../inventory/stock-ledger.js';\n")).toContain('no-restricted-imports');
    expect(await lint('src/analytics/metrics/probe.ts', "export { ReceivingService } from '../../procurement/receiving.js';\n")).toContain('no-restricted-imports');
  });

  it("allow another domain's public face, the platform, and the composition root's adapters", async () => {
    expect(await lint('src/shipments/probe.ts', "export { StockLedger } from '../inventory/index.js';\n")).toEqual([]);
    expect(await lint('src/shipments/probe.ts', "export { AppError } from '../platform/errors.js';\n")).toEqual([]);
    expect(await lint('src/adapters/probe.ts', "export { StockLedger } from '../inventory/stock-ledger.js';\n")).toEqual([]);
  });
});

import { analyticsArchives } from '../adapters/analytics-archives.js';
import type { Database } from '../platform/db/database.js';
import { RETENTION_TABLES, runRetention, type RetentionReport } from '../analytics/retention/retention-run.js';
import type { RetentionPolicy } from '../analytics/retention/retention-policy.js';
import { organizationProgress } from './progress.js';

/**
 * `imsop retention run [--dry-run]`: one retention run over every organization with a progress
 * bar, then the report as lines: per table what moved (or would move) to the archive.
 * @throws Error when another instance is running retention right now.
 */
export async function retentionCommand(db: Database, policy: RetentionPolicy, dryRun: boolean): Promise<string[]> {
  const progress = organizationProgress(dryRun ? 'counting' : 'archiving');
  let outcome;
  try {
    outcome = await runRetention(db, analyticsArchives, policy, {
      dryRun,
      onProgress: (p) =>
        progress.update(
          p.organizationsDone,
          p.organizations,
          `${Object.values(p.moved).reduce((a, b) => a + b, 0)} rows`,
        ),
    });
  } finally {
    progress.stop();
  }
  if (!outcome.ran) throw new Error('another instance is running retention right now; try again when it has finished');
  return formatReport(outcome.result, policy);
}

function formatReport(r: RetentionReport, policy: RetentionPolicy): string[] {
  const verb = r.dryRun ? 'would move' : 'moved';
  const lines = [
    r.dryRun ? 'Retention dry run: nothing was changed.' : 'Retention run finished.',
    `  purchase orders closed or cancelled before ${r.cutoffs.purchaseOrders.toISOString()} (${policy.purchaseOrderMonths} months)`,
    `  tracking points recorded before         ${r.cutoffs.trackingPoints.toISOString()} (${policy.trackingPointMonths} months)`,
    `  analytics events that occurred before   ${r.cutoffs.analyticsEvents.toISOString()} (${policy.analyticsEventMonths} months)`,
    `  organizations: ${r.organizations}`,
    '',
    `  ${'table'.padEnd(22)} ${verb.padStart(12)}`,
    ...RETENTION_TABLES.map((t) => `  ${t.padEnd(22)} ${String(r.moved[t]).padStart(12)}`),
  ];
  if (r.heldPurchaseOrders > 0)
    lines.push('', `  kept: ${r.heldPurchaseOrders} purchase order(s) past retention that shipments still reference`);
  const partitions = r.partitions.filter((p) => p.action !== 'left');
  if (partitions.length > 0) {
    lines.push('', '  analytics_events month partitions:');
    for (const p of partitions) lines.push(`    ${p.partition}: ${p.action.replace('_', ' ')} (${p.rows} rows)`);
  }
  return lines;
}

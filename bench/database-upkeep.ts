import { adminQuery } from './bench-tenant.js';

/**
 * What autovacuum would have done between scenarios, when the server has it turned off (CI
 * machines often do): without it the write scenarios leave dead rows and stale statistics behind
 * (the change feed's table, hundreds of thousands of dead stock-level versions), and every later
 * scenario, and every later run, reads through them, so results drift as runs pile up. With
 * autovacuum on, nothing is done: the server keeps the tables as production would.
 *
 * @returns seconds spent, or undefined when autovacuum is on.
 */
export async function vacuumWhenAutovacuumIsOff(adminUrl: string): Promise<number | undefined> {
  const [setting] = await adminQuery<{ autovacuum: string }>(adminUrl, 'SHOW autovacuum');
  if (setting?.autovacuum === 'on') return undefined;
  const started = performance.now();
  await adminQuery(adminUrl, 'VACUUM (ANALYZE)');
  return (performance.now() - started) / 1000;
}

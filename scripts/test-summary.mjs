#!/usr/bin/env node
// Condenses the JSON report that every `npm test` leaves (.vitest/report.json, see
// vitest.config.ts) into exactly one line: `N passed, N failed, N skipped`.
//
//   passed  = numPassedTests
//   failed  = numFailedTests
//             + test files that failed without a failing test (a file that does not load, a
//               beforeAll/afterAll that throws: vitest reports their tests as skipped)
//             + 1 if the run failed with nothing to show for it (global setup threw, no test
//               files found), so a broken run can never read "0 failed"
//   skipped = numPendingTests + numTodoTests (skip, todo, and tests never run)
//
// Exit code: 0 when nothing failed, 1 when something failed (so a test process whose exit code
// got lost still fails CI), 2 when the report is missing or unreadable.
// Above that line, one `failed: file > test: first line of the error` per failure.
// Usage: node scripts/test-summary.mjs [path/to/report.json]   (default: .vitest/report.json)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reportPath = path.resolve(root, process.argv[2] ?? '.vitest/report.json');

let report;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch (error) {
  const reason = error?.code === 'ENOENT' ? 'no test report' : `unreadable test report (${error.message})`;
  console.error(`test-summary: ${reason} at ${path.relative(process.cwd(), reportPath) || reportPath}`);
  process.exit(2);
}

const count = (key) => (Number.isFinite(report[key]) ? report[key] : 0);
const files = Array.isArray(report.testResults) ? report.testResults : [];

const brokenFiles = files.filter(
  (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
).length;

const passed = count('numPassedTests');
let failed = count('numFailedTests') + brokenFiles;
if (report.success === false && failed === 0) failed = 1;
const skipped = count('numPendingTests') + count('numTodoTests');

// What failed, named, above the summary: CI shows the end of its output, and a count alone
// does not say which test to look at. (The summary stays the last line.)
const relative = (file) => path.relative(root, file.name ?? '') || file.name;
const firstLine = (text) =>
  String(text ?? '')
    .split('\n')[0]
    .slice(0, 300);
for (const file of files) {
  const failedTests = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
  for (const test of failedTests) {
    console.log(`failed: ${relative(file)} > ${test.fullName ?? test.title}: ${firstLine(test.failureMessages?.[0])}`);
  }
  if (file.status === 'failed' && failedTests.length === 0) {
    console.log(`failed: ${relative(file)} (the file itself): ${firstLine(file.message)}`);
  }
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 ? 1 : 0;

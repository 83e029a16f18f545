import fs from 'node:fs';

/**
 * Prints "N passed, N failed" from vitest's JSON report. A test file that
 * failed to load has no test results, so it is counted as one failure.
 */
interface Report {
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{ name: string; status: string; message?: string; assertionResults: unknown[] }>;
}

const file = process.argv[2] ?? 'reports/vitest.json';
if (!fs.existsSync(file)) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const r = JSON.parse(fs.readFileSync(file, 'utf8')) as Report;
const brokenFiles = r.testResults.filter((t) => t.status === 'failed' && t.assertionResults.length === 0);
for (const b of brokenFiles) console.error(`test file failed to run: ${b.name}\n${b.message ?? ''}`);
const failed = r.numFailedTests + brokenFiles.length;
console.log(`${r.numPassedTests} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Prints "N passed, N failed" from vitest's JSON report, the last line of CI.
 */
export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults: Array<{ name: string; status: string; message?: string; assertionResults: Array<{ status: string }> }>;
}

/**
 * A test file that failed without a failed test (it did not load, or a
 * beforeAll/afterAll hook threw, which marks its tests skipped) counts as one
 * failure, so a broken file can never end in "0 failed".
 */
export function summarize(r: VitestReport): { passed: number; failed: number; brokenFiles: Array<{ name: string; message: string }> } {
  const broken = r.testResults.filter((t) => t.status === 'failed' && !t.assertionResults.some((a) => a.status === 'failed'));
  return {
    passed: r.numPassedTests,
    failed: r.numFailedTests + broken.length,
    brokenFiles: broken.map((b) => ({ name: b.name, message: b.message ?? '' })),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2] ?? 'reports/vitest.json';
  if (!fs.existsSync(file)) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const s = summarize(JSON.parse(fs.readFileSync(file, 'utf8')) as VitestReport);
  for (const b of s.brokenFiles) console.error(`test file failed outside its tests: ${b.name}\n${b.message}`);
  console.log(`${s.passed} passed, ${s.failed} failed`);
  process.exit(s.failed > 0 ? 1 : 0);
}

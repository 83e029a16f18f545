import { describe, expect, it } from 'vitest';
import { summarize, type VitestReport } from './test-summary';

const file = (name: string, status: string, tests: string[], message?: string) => ({ name, status, message, assertionResults: tests.map((t) => ({ status: t })) });

describe('CI summary line', () => {
  it('counts passed and failed tests', () => {
    const r: VitestReport = { numPassedTests: 2, numFailedTests: 1, testResults: [file('a', 'failed', ['passed', 'failed']), file('b', 'passed', ['passed'])] };
    expect(summarize(r)).toMatchObject({ passed: 2, failed: 1, brokenFiles: [] });
  });

  it('counts a file that failed to load, or whose hook threw, as one failure', () => {
    const r: VitestReport = {
      numPassedTests: 1,
      numFailedTests: 0,
      testResults: [file('load', 'failed', [], 'SyntaxError'), file('hook', 'failed', ['skipped', 'skipped'], 'beforeAll threw'), file('ok', 'passed', ['passed'])],
    };
    expect(summarize(r)).toEqual({ passed: 1, failed: 2, brokenFiles: [{ name: 'load', message: 'SyntaxError' }, { name: 'hook', message: 'beforeAll threw' }] });
  });
});

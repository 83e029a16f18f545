import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../backend/src/services/paths';
import { ADVERTISERS, AFFILIATES } from '../src/catalog';

/** The README's demo account table is how people sign in first: it must name every seeded account with its status. */
describe('README demo accounts', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const rows = readme.split('\n').filter((l) => l.startsWith('| affiliate |') || l.startsWith('| advertiser |'));

  it('lists every seeded advertiser and affiliate in a row of its status', () => {
    const rowOf = (email: string) => rows.find((r) => r.includes(`\`${email}\``));
    for (const a of ADVERTISERS) expect(rowOf(a.email), a.email).toMatch(/\| approved \|$/);
    for (const a of AFFILIATES) expect(rowOf(a.email), a.email).toMatch(new RegExp(`\\| ${a.status}( \\(.*\\))? \\|$`));
  });
});

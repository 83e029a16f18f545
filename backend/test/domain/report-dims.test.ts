import { describe, expect, it } from 'vitest';
import { addDimMembers, decodeHours } from '../../src/domain/report-dim-days';
import { capDimRows, decodeDimRow, DAY_MEMBER_CAP, dimMetricVec, encodeDimRow, OTHER_KEY, type DimRow } from '../../src/domain/report-dims';
import { decodeVec, type ReportScope, type ScopeDay } from '../../src/domain/report-scopes';

const HOUR = 3_600_000;
const DAY = Date.UTC(2026, 5, 1);

/** A dimension row with `clicks` clicks and `conv` approved conversions. */
const row = (over: Partial<DimRow> & { clicks?: number; conv?: number }): DimRow => {
  const { clicks = 1, conv = 0, ...rest } = over;
  return { hour: DAY, campaignId: 'c1', affiliateId: 'a1', currency: 'USD', dim: 's2', key: 'k', v: [clicks, clicks, 0, 0, 0, conv, 0, 0, conv * 100, conv * 70], ...rest };
};

describe('dimension rows', () => {
  it('survive their encoding in the hour record, values holding | included', () => {
    const r = row({ key: 'a|b', clicks: 3, conv: 1 });
    expect(decodeDimRow(DAY, encodeDimRow(r))).toEqual(r);
    // clicks, unique, invalid, conversions, approved, pending, rejected, revenue, payout
    expect(dimMetricVec(r.v)).toEqual([3, 3, 0, 1, 1, 0, 0, 100, 70]);
  });

  it('are capped per hour × campaign × affiliate × currency × dimension, most conversions then clicks then key first, the rest summed as other', () => {
    const rows = [row({ key: 'z', clicks: 1, conv: 1 }), row({ key: 'b', clicks: 5 }), row({ key: 'a', clicks: 5 }), row({ key: 'c', clicks: 2 }), row({ key: 'd', clicks: 1 }), row({ key: 'x', affiliateId: 'a2', clicks: 9 })];
    const capped = capDimRows(rows, 3);
    const a1 = capped.filter((r) => r.affiliateId === 'a1');
    expect(a1.map((r) => [r.key, r.v[0]])).toEqual([
      ['z', 1],
      ['b', 5],
      ['a', 5],
      [OTHER_KEY, 3],
    ]);
    expect(capped.filter((r) => r.affiliateId === 'a2').map((r) => r.key)).toEqual(['x']);
    expect(capped.reduce((n, r) => n + (r.v[0] ?? 0), 0)).toBe(rows.reduce((n, r) => n + (r.v[0] ?? 0), 0));
  });
});

describe('a day’s dimension members', () => {
  const build = (rows: DimRow[]) => {
    const scopes = new Map<string, { scope: ReportScope; cur: Record<string, ScopeDay> }>([['c:c1', { scope: { kind: 'c', campaignId: 'c1' }, cur: { USD: { h: { h00: '1' }, b: [{ d: 'a', k: 'a1', v: '1' }] } } }]]);
    addDimMembers(scopes, DAY, rows);
    return scopes;
  };

  it('go into the campaign, affiliate and campaign × affiliate scopes, after their own members, with their hours', () => {
    const scopes = build([row({ dim: 'dv', key: 'mobile', clicks: 2 }), row({ dim: 'dv', key: 'mobile', hour: DAY + 5 * HOUR, clicks: 1 })]);
    expect([...scopes.keys()].sort()).toEqual(['a:a1', 'c:c1', 'ca:c1:a1']);
    const members = scopes.get('c:c1')?.cur.USD?.b ?? [];
    expect(members.map((m) => [m.d, m.k])).toEqual([
      ['a', 'a1'],
      ['dv', 'mobile'],
    ]);
    expect(decodeVec(members[1]?.v ?? '')[0]).toBe(3);
    expect([...decodeHours(members[1]?.h)].map(([slot, v]) => [slot, v[0]])).toEqual([
      [0, 2],
      [5, 1],
    ]);
  });

  it('keep at most DAY_MEMBER_CAP values per dimension over all currencies, the same ones whatever the order of the rows', () => {
    const rows = Array.from({ length: DAY_MEMBER_CAP + 5 }, (_, k) => row({ key: `v${k}`, clicks: 100 - k, currency: k % 2 ? 'EUR' : 'USD', hour: DAY + (k % 24) * HOUR }));
    const a = build(rows).get('a:a1');
    const b = build([...rows].reverse()).get('a:a1');
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const keys = Object.values(a?.cur ?? {}).flatMap((d) => d.b.map((m) => m.k));
    expect(new Set(keys.filter((k) => k !== OTHER_KEY)).size).toBe(DAY_MEMBER_CAP);
    // The five least clicked values are summed as other, each in its own currency.
    const other = Object.values(a?.cur ?? {}).flatMap((d) => d.b.filter((m) => m.k === OTHER_KEY).map((m) => decodeVec(m.v)[0]));
    expect(other.reduce<number>((n, x) => n + (x ?? 0), 0)).toBe([50, 51, 52, 53, 54].reduce((n, k) => n + 100 - k, 0));
  });
});

import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CurrencyTotals, Metrics } from '../../api/types';
import { MetricKpis } from './MetricKpis';

const totals = (over: Partial<Metrics> = {}): Metrics => ({
  clicks: 1010,
  uniqueClicks: 1000,
  invalidClicks: 0,
  conversions: 12,
  approvedConversions: 10,
  pendingConversions: 2,
  rejectedConversions: 1,
  revenueCents: 0,
  payoutCents: 0,
  profitCents: 0,
  cr: 0.0119,
  epc: '0.0000',
  ...over,
});

const usd: CurrencyTotals = { currency: 'USD', clicks: 1000, conversions: 11, revenueCents: 60000, payoutCents: 42159, profitCents: 17841, epc: '0.4216' };
const eur: CurrencyTotals = { currency: 'EUR', clicks: 10, conversions: 1, revenueCents: 1500, payoutCents: 1011, profitCents: 489, epc: '1.0110' };
const kpi = (id: string) => document.querySelector(`[data-kpi="${id}"]`)?.textContent;

describe('report KPIs', () => {
  it('shows an affiliate’s earnings and EPC in each currency when campaigns pay in two, never a dash nor a sum', () => {
    render(<MetricKpis totals={totals()} currency={null} byCurrency={[eur, { ...usd, revenueCents: null, profitCents: null }]} audience="affiliate" />);
    expect(kpi('report-earnings')).toBe('€10.11 · $421.59');
    expect(kpi('report-epc')).toBe('€1.0110 · $0.4216');
    expect(screen.queryByText('Revenue')).toBeNull();
  });

  it('shows revenue, payout and profit per currency to an owner', () => {
    render(<MetricKpis totals={totals()} currency={null} byCurrency={[eur, usd]} />);
    expect(kpi('report-revenue')).toBe('€15.00 · $600.00');
    expect(kpi('report-payout')).toBe('€10.11 · $421.59');
  });

  it('shows the one currency’s totals, and a dash only when there is no money at all', () => {
    const { unmount } = render(<MetricKpis totals={totals({ payoutCents: 42159, epc: '0.4174' })} currency="USD" byCurrency={[usd]} audience="affiliate" />);
    expect(kpi('report-earnings')).toBe('$421.59');
    expect(kpi('report-epc')).toBe('$0.4174');
    unmount();
    render(<MetricKpis totals={totals({ clicks: 0 })} currency={null} byCurrency={[]} audience="affiliate" />);
    expect(kpi('report-earnings')).toBe('—');
  });
});

import type { Campaign, ManagedCampaign } from '@offerly/contract';
import { safeCsv, type CsvCell } from '../csv/safe-csv';
import { formatDecimal } from '../domain/money';

/** A payout term as a spreadsheet reads it: a decimal amount of the currency, or CPS basis points as a percentage (`12.5%`). */
function term(model: string, cents: number | null, bps: number | null, currency: string): string {
  if (model === 'CPS') return bps === null ? '' : `${bps / 100}%`;
  return cents === null ? '' : formatDecimal(cents, currency);
}

const isManaged = (c: Campaign): c is ManagedCampaign => 'advertiserId' in c;

/** The campaigns list as CSV; the columns a role sees of a campaign (affiliates: no advertiser, no revenue). */
export function campaignsCsv(items: Campaign[], managed = items.some(isManaged)): string {
  const head = managed
    ? ['id', 'name', 'advertiserId', 'advertiserName', 'status', 'payoutModel', 'currency', 'revenue', 'payout', 'attributionWindowDays', 'createdAt']
    : ['id', 'name', 'status', 'payoutModel', 'currency', 'payout', 'attributionWindowDays', 'createdAt'];
  const rows = items.map((c): CsvCell[] => {
    const payout = term(c.payoutModel, c.payoutCents, c.payoutBps, c.currency);
    if (!isManaged(c)) return [c.id, c.name, c.status, c.payoutModel, c.currency, payout, c.attributionWindowDays, c.createdAt];
    const revenue = term(c.payoutModel, c.revenueCents, c.revenueBps, c.currency);
    return [c.id, c.name, c.advertiserId, c.advertiserName ?? '', c.status, c.payoutModel, c.currency, revenue, payout, c.attributionWindowDays, c.createdAt];
  });
  return safeCsv([head, ...rows]);
}

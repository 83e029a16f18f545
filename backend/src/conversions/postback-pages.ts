import type { Postback } from '@offerly/contract';
import type { AppContext } from '../context';
import { safeCsv } from '../csv/safe-csv';
import type { PostbackDoc } from '../db/models/postback';
import { campaignNames } from './campaign-names';
import { postbackView } from './views';

/** Postbacks as the log shows them, with their campaigns' names (each read by `_id`). */
export async function postbackLogViews(ctx: AppContext, rows: PostbackDoc[]): Promise<Postback[]> {
  const names = await campaignNames(ctx, rows.flatMap((pb) => (pb.campaignId ? [pb.campaignId] : [])));
  return rows.map((pb) => ({ ...postbackView(pb), campaignName: pb.campaignId ? (names.get(pb.campaignId) ?? null) : null }));
}

/** The postback log as CSV (the token stays masked, as in the API). */
export function postbacksCsv(items: Postback[]): string {
  return safeCsv([
    ['id', 'receivedAt', 'campaignId', 'campaignName', 'state', 'reason', 'detail', 'clickId', 'txnId', 'amount', 'currency', 'status', 'conversionId', 'method', 'test'],
    ...items.map((p) => [
      p.id,
      p.receivedAt,
      p.campaignId ?? '',
      p.campaignName ?? '',
      p.state,
      p.reason ?? '',
      p.detail ?? '',
      p.params.click_id ?? '',
      p.params.txn_id ?? '',
      p.params.amount ?? '',
      p.params.currency ?? '',
      p.params.status ?? '',
      p.conversionId ?? '',
      p.method,
      p.test ? 'true' : 'false',
    ]),
  ]);
}

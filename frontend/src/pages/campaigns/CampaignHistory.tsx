import type { Campaign } from '../../api/types';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { EmptyState } from '../../components/states';
import { formatDateTime, humanize } from '../../lib/format';

type Change = Campaign['history'][number];

const ACTION_LABELS: Record<Change['action'], string> = {
  created: 'Created the campaign',
  edited: 'Edited',
  paused: 'Paused',
  resumed: 'Resumed',
  archived: 'Archived',
};

/** Field names as the form labels them: `payoutCents` → "payout", `caps.dailyConversions` → "daily conversions cap". */
export function fieldLabel(field: string): string {
  const [head, cap] = field.split('.');
  const words = (s: string) => s.replace(/(Cents|Bps)$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return cap ? `${words(cap)} cap` : words(head!);
}

function describe(h: Change): string {
  if (h.action !== 'edited') return ACTION_LABELS[h.action];
  return h.changed.length ? `Changed ${h.changed.map(fieldLabel).join(', ')}` : 'Edited';
}

/**
 * The campaign's history, newest first: who (by name) did what, when, and
 * whether an admin acted on the advertiser's behalf.
 */
export function CampaignHistory({ campaign }: { campaign: Campaign }) {
  const entries = [...campaign.history].reverse();
  const advertiser = campaign.advertiserName ?? 'the advertiser';
  return (
    <Card>
      <CardHeader title="History" description="Who created and changed this campaign, newest first." />
      <CardBody>
        {entries.length === 0 ? (
          <EmptyState title="No recorded changes">Changes are recorded from the campaign’s creation on; this campaign is older than its history.</EmptyState>
        ) : (
          <ol aria-label="Campaign history" className="divide-y divide-slate-100">
            {entries.map((h, i) => (
              <li key={`${h.at}-${i}`} className="flex flex-col gap-0.5 py-2.5 sm:flex-row sm:items-baseline sm:gap-4">
                <time dateTime={h.at} className="shrink-0 text-xs text-slate-500 sm:w-44">
                  {formatDateTime(h.at)}
                </time>
                <div className="min-w-0 text-sm text-slate-800">
                  <span className="font-medium">{h.byName ?? humanize(h.byRole)}</span>
                  {h.byRole === 'admin' && <span className="text-slate-600"> (admin, on behalf of {advertiser})</span>}
                  <span className="text-slate-500"> · </span>
                  <span className="break-words">{describe(h)}</span>
                </div>
              </li>
            ))}
          </ol>
        )}
      </CardBody>
    </Card>
  );
}

import { useQuery } from '@tanstack/react-query';
import { queries } from '../../api/queries';
import { addDays, todayIn } from '../../lib/time';

/** How far back the pickers look for affiliates who sent traffic to a campaign. */
export const PICKER_DAYS = 90;

/**
 * Affiliates who sent traffic to a campaign: those with clicks or
 * conversions in the last 90 days, from the campaign's own report broken
 * down by affiliate (report documents read by id, bounded by the window).
 * An advertiser may not list the platform's affiliates, so this is what the
 * pickers offer; `campaignId` '' asks for nothing.
 */
export function useCampaignAffiliates(campaignId: string) {
  const today = todayIn('UTC');
  const q = { from: addDays(today, -(PICKER_DAYS - 1)), to: addDays(today, 1), granularity: 'day' as const, tz: 'UTC', groupBy: 'affiliate' as const };
  const report = useQuery({ ...queries.reports.campaign(campaignId, q), enabled: campaignId !== '' });
  const affiliates = [...(report.data?.breakdown ?? [])].sort((a, b) => a.label.localeCompare(b.label));
  return { affiliates, loading: campaignId !== '' && report.isPending, names: new Map(affiliates.map((a) => [a.key, a.label])) };
}

import { useMutation, useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback } from 'react';
import { adminApi, type AccountReviewAction, type ReviewAction } from './admin';
import { affiliateApi } from './affiliate';
import { apiKeysApi, type ApiKeyScope } from './api-keys';
import { conversionsApi } from './conversions';
import { payoutsApi } from './payouts';
import { queryKeys } from './query-keys';
import { settingsApi, type PlatformSettingsPatch } from './settings';
import type { Campaign, CursorPaged, Payout, PayoutLine } from './types';

/**
 * Every write of the dashboard, and what it makes stale. The row the API
 * answers replaces the old one in every cached page at once (the dialog
 * closes on the new status); the lists and reports it touches are then read
 * again, since a filtered list may lose the row and totals move.
 */

function replaceRow<T extends { id: string }>(client: QueryClient, lists: QueryKey, row: T): void {
  // Only the lists under the key: a detail cached beside them (no items) is left to its invalidation.
  client.setQueriesData<CursorPaged<T>>({ queryKey: lists }, (page) => (page && Array.isArray(page.items) ? { ...page, items: page.items.map((x) => (x.id === row.id ? row : x)) } : page));
}

function invalidate(client: QueryClient, ...keys: QueryKey[]): void {
  for (const queryKey of keys) void client.invalidateQueries({ queryKey });
}

/** One review with one note for the conversions ticked in a list; the answer says which were refused and why. */
export function useConversionBulkReview() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ ids, action, note }: { ids: string[]; action: 'approve' | 'reject'; note: string }) => conversionsApi.bulkReview(ids, action, note),
    onSuccess: () => invalidate(client, queryKeys.conversions.all, queryKeys.reports.all),
  });
}

export function useConversionReview() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, note, shareNote = false }: { id: string; action: 'approve' | 'reject'; note: string; shareNote?: boolean }) =>
      action === 'approve' ? conversionsApi.approve(id, note, shareNote) : conversionsApi.reject(id, note, shareNote),
    onSuccess: ({ conversion }) => {
      replaceRow(client, queryKeys.conversions.all, conversion);
      // Reports count pending, approved and rejected conversions and their money apart.
      invalidate(client, queryKeys.conversions.all, queryKeys.reports.all);
    },
  });
}

export function useAffiliateReview() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, note }: { id: string; action: ReviewAction; note: string }) => adminApi.review(id, action, note),
    onSuccess: ({ affiliate }) => {
      replaceRow(client, queryKeys.affiliates.all, affiliate);
      invalidate(client, queryKeys.affiliates.all, queryKeys.users.all);
    },
  });
}

export function useAccountReview() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, note }: { id: string; action: AccountReviewAction; note: string }) => adminApi.reviewUser(id, action, note),
    onSuccess: ({ user }) => {
      replaceRow(client, queryKeys.users.all, user);
      invalidate(client, queryKeys.users.all, queryKeys.affiliates.all);
    },
  });
}

export function usePasswordResetIssue() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => adminApi.resetPassword(id),
    onSuccess: () => invalidate(client, queryKeys.users.all),
  });
}

export type PayoutDecision = 'approve' | 'reject' | 'markPaid';

export function usePayoutDecision() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, note, reference = '' }: { id: string; action: PayoutDecision; note: string; reference?: string }) =>
      action === 'approve' ? payoutsApi.approve(id, note) : action === 'reject' ? payoutsApi.reject(id, note) : payoutsApi.markPaid(id, note, reference),
    onSuccess: ({ payout }, { action }) => {
      client.setQueriesData<{ payout: Payout; lines: CursorPaged<PayoutLine> }>({ queryKey: queryKeys.payouts.detail(payout.id) }, (d) => d && { ...d, payout });
      replaceRow(client, queryKeys.payouts.lists, payout);
      invalidate(client, queryKeys.payouts.all);
      // A rejected payout hands its conversions back to the next run.
      if (action === 'reject') invalidate(client, queryKeys.conversions.all);
    },
  });
}

/** Approves many payouts at once; the lists and details are read again (each id's outcome is in the answer). */
export function useBulkApprovePayouts() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ ids, note = '' }: { ids: string[]; note?: string }) => payoutsApi.bulkApprove(ids, note),
    onSuccess: () => invalidate(client, queryKeys.payouts.all),
  });
}

export function usePayoutRun() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => payoutsApi.run(),
    // Even a run recorded as failed is a new job run; a successful one puts conversions into payouts.
    onSuccess: () => invalidate(client, queryKeys.payouts.all, queryKeys.conversions.all, queryKeys.jobRuns.all),
  });
}

/**
 * For the campaign editors, which call the API themselves and hand the saved
 * campaign up: its page shows it at once (no reload after saving), and the
 * campaign lists and the affiliates' offers are read again.
 */
export function useCampaignSaved(): (campaign: Campaign) => void {
  const client = useQueryClient();
  return useCallback(
    (campaign: Campaign) => {
      client.setQueryData(queryKeys.campaigns.detail(campaign.id), { campaign });
      invalidate(client, queryKeys.campaigns.lists, queryKeys.offers.all);
    },
    [client],
  );
}

export function usePostbackSettingsSave() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { url: string | null; enabled: boolean }) => affiliateApi.savePostback(body),
    onSuccess: (saved) => client.setQueryData(queryKeys.postbackSettings.all, saved),
  });
}

export function usePostbackTestCall() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => affiliateApi.testPostback(),
    onSuccess: () => invalidate(client, queryKeys.deliveries.all),
  });
}

export function useApiKeyCreate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ name, scope }: { name: string; scope: ApiKeyScope }) => apiKeysApi.create(name, scope),
    onSuccess: () => invalidate(client, queryKeys.apiKeys.all),
  });
}

export function useApiKeyRevoke() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiKeysApi.revoke(id),
    onSuccess: () => invalidate(client, queryKeys.apiKeys.all),
  });
}

/** Saving platform settings answers the settings in effect; the change is a new audit log entry. */
export function usePlatformSettingsSave() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PlatformSettingsPatch) => settingsApi.save(body),
    onSuccess: (saved) => {
      client.setQueryData(queryKeys.platformSettings.all, saved);
      invalidate(client, queryKeys.auditLog.all);
    },
  });
}

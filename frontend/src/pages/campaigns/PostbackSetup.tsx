import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { asApiError } from '../../api/client';
import { postbacksApi } from '../../api/conversions';
import { campaignsApi } from '../../api/campaigns';
import { queryKeys } from '../../api/query-keys';
import type { Campaign, PostbackRecord } from '../../api/types';
import { Button } from '../../components/Button';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { useConfirm } from '../../components/ConfirmDialog';
import { CopyField } from '../../components/CopyButton';
import { StatusBadge } from '../../components/StatusBadge';
import { useToast } from '../../context/ToastContext';
import { formatDateTime, humanize } from '../../lib/format';
import { PostbacksTable } from '../shared/PostbacksTable';
import { PostbackAllowList } from './PostbackAllowList';

const PARAMS: Array<[string, string]> = [
  ['click_id', 'The click id Offerly put in your landing page URL ({click_id} in the destination). Required.'],
  ['txn_id', 'Your order or lead id; a repeated txn_id is rejected as a duplicate.'],
  ['amount', 'Sale amount in major units, e.g. 49.90 (required for CPS).'],
  ['currency', 'ISO code of the amount; must match the campaign currency.'],
  ['status', 'approved, pending or rejected — a later postback with the same txn_id updates the status.'],
  ['token', 'The campaign’s postback secret (already in the URL). Postbacks without it, or with a wrong one, are refused (401) and not recorded.'],
];

const REASONS: Record<string, string> = {
  bad_token: 'The token does not match this campaign’s postback secret.',
  unknown_click: 'No click with this click_id was found.',
  invalid_click: 'The click was flagged invalid (bot or duplicate).',
  expired: 'The click is older than the attribution window.',
  duplicate: 'This transaction or click already converted.',
  cap_reached: 'A conversion cap of the campaign is reached.',
  budget_exhausted: 'The campaign budget is used up.',
  affiliate_inactive: 'The affiliate is not active.',
  campaign_inactive: 'The campaign is paused or archived.',
  amount_required: 'CPS postbacks need an amount.',
  currency_mismatch: 'The currency differs from the campaign currency.',
  invalid_request: 'The request could not be read.',
  admin_decided: 'An admin approved or rejected this conversion; only an admin can change it now.',
};

const POLL_MS = 1000;
const POLL_LIMIT_MS = 30_000;

/**
 * The exact postback URL with token and macros, and a test through the real
 * pipeline. `pollMs` / `pollLimitMs`: how often and how long the test's
 * resolution is awaited.
 */
export function PostbackSetup({ campaign, onChanged, pollMs = POLL_MS, pollLimitMs = POLL_LIMIT_MS }: { campaign: Campaign; onChanged(c: Campaign): void; pollMs?: number; pollLimitMs?: number }) {
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<PostbackRecord | null>(null);
  const [testError, setTestError] = useState<string | null>(null);
  const client = useQueryClient();
  const { ask, dialog } = useConfirm();
  const { notify } = useToast();
  const alive = useRef(true);
  // Set on every mount: StrictMode (and a remount) runs the cleanup and then the effect again.
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  const sendTest = async () => {
    setTesting(true);
    setResult(null);
    setTestError(null);
    try {
      const { postbackId } = await postbacksApi.sendTest(campaign.id);
      const deadline = Date.now() + pollLimitMs;
      // At least one read, however long sending took.
      for (;;) {
        const last = (await postbacksApi.get(postbackId)).postback;
        if (!alive.current) return;
        setResult(last);
        if (last.state !== 'queued') break;
        if (Date.now() >= deadline) {
          setTestError('The test postback is still queued. Is the worker running?');
          break;
        }
        await new Promise((r) => setTimeout(r, pollMs));
        if (!alive.current) return;
      }
      void client.invalidateQueries({ queryKey: queryKeys.postbacks.all });
    } catch (err) {
      setTestError(asApiError(err).message);
    } finally {
      if (alive.current) setTesting(false);
    }
  };

  const rotate = () =>
    ask({
      title: 'Rotate postback secret',
      message: 'A new token replaces the current one. The old token keeps working for 24 hours so you can update your server.',
      confirmLabel: 'Rotate secret',
      variant: 'danger',
      onConfirm: async () => {
        const { campaign: c } = await campaignsApi.rotateSecret(campaign.id);
        onChanged(c);
        notify('success', 'New postback secret issued');
      },
    });

  const example = campaign.postbackUrl.replace('{click_id}', 'c_8Fq2xK').replace('{txn_id}', 'ORDER-1001').replace('{amount}', '49.90').replace('{currency}', campaign.currency);

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Postback URL" description="Call this URL from your server when a sale or lead happens (GET or POST). Replace the {macros} with your values." />
        <CardBody className="space-y-5">
          <CopyField value={campaign.postbackUrl} what="postback URL" />
          <div>
            <h3 className="text-sm font-semibold text-slate-900">Parameters</h3>
            <dl className="mt-2 divide-y divide-slate-100 rounded-lg border border-slate-200">
              {PARAMS.filter(([k]) => campaign.payoutModel === 'CPS' || (k !== 'amount' && k !== 'currency')).map(([k, v]) => (
                <div key={k} className="grid grid-cols-1 gap-1 px-3 py-2 text-sm sm:grid-cols-[8rem_minmax(0,1fr)]">
                  <dt className="font-mono text-indigo-700">{k}</dt>
                  <dd className="text-slate-700">{v}</dd>
                </div>
              ))}
            </dl>
          </div>
          <div>
            <h3 className="text-sm font-semibold text-slate-900">Example</h3>
            <p className="mt-1 text-xs text-slate-600">With your values filled in:</p>
            <div className="mt-2">
              <CopyField value={`curl '${example}'`} what="example request" />
            </div>
          </div>
          <div className="flex flex-wrap items-center gap-2 border-t border-slate-100 pt-4">
            <Button onClick={() => void sendTest()} busy={testing}>
              Send test postback
            </Button>
            <Button variant="secondary" onClick={rotate}>
              Rotate secret
            </Button>
            <p className="text-xs text-slate-600">The test records a test click and sends a postback for it through the real pipeline.</p>
          </div>
          <div aria-live="polite">
            {testError && (
              <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
                {testError}
              </p>
            )}
            {result && <PostbackResult postback={result} />}
          </div>
        </CardBody>
      </Card>
      <PostbackAllowList campaign={campaign} onChanged={onChanged} />
      <Card>
        <CardHeader title="Recent postbacks" description="Every postback received for this campaign and how it was resolved." />
        <PostbacksTable campaignId={campaign.id} />
      </Card>
      {dialog}
    </div>
  );
}

function PostbackResult({ postback: p }: { postback: PostbackRecord }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-slate-50 p-4 text-sm" data-testid="postback-result">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium text-slate-900">Test postback</span>
        <StatusBadge status={p.state} />
        {p.reason && <span className="text-slate-700">{humanize(p.reason)}</span>}
      </div>
      <p className="mt-1 text-slate-700">
        {p.state === 'queued'
          ? 'Waiting for the worker to resolve it…'
          : p.state === 'rejected'
            ? (REASONS[p.reason ?? ''] ?? p.detail ?? 'Rejected.')
            : p.conversionId
              ? `Attributed: conversion ${p.conversionId} was recorded.`
              : 'Resolved.'}
        {p.detail && p.state !== 'queued' && <span className="block text-xs text-slate-600">{p.detail}</span>}
      </p>
      <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-1 text-xs sm:grid-cols-2">
        <div>
          <dt className="inline text-slate-600">Received: </dt>
          <dd className="inline">{formatDateTime(p.receivedAt)}</dd>
        </div>
        <div>
          <dt className="inline text-slate-600">Resolved: </dt>
          <dd className="inline">{formatDateTime(p.resolvedAt)}</dd>
        </div>
        {Object.entries(p.params).map(([k, v]) => (
          <div key={k} className="min-w-0 truncate">
            <dt className="inline font-mono text-slate-600">{k}=</dt>
            <dd className="inline font-mono">{k === 'token' ? '••••••' : v}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

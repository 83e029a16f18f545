import { useState } from 'react';
import { campaignsApi } from '../../api/campaigns';
import type { Campaign } from '../../api/types';
import { Button } from '../../components/Button';
import { ConfirmDialog, type ConfirmOptions } from '../../components/ConfirmDialog';
import { useToast } from '../../context/ToastContext';

/**
 * The admin's switch for a campaign whose payouts may exceed its revenue. The
 * API records who set it and when; turning it on asks for confirmation
 * because it lets the advertiser owe less than the affiliates earn.
 */
export function NegativeMarginControl({ campaign, onChanged }: { campaign: Campaign; onChanged(c: Campaign): void }) {
  const [confirm, setConfirm] = useState<ConfirmOptions | null>(null);
  const { notify } = useToast();
  const allowed = campaign.allowNegativeMargin;
  const set = async (allow: boolean) => {
    const { campaign: updated } = await campaignsApi.update(campaign.id, { allowNegativeMargin: allow });
    onChanged(updated);
    notify('success', allow ? 'Negative margin allowed on this campaign' : 'Negative margin no longer allowed');
  };
  const ask = () =>
    setConfirm(
      allowed
        ? {
            title: 'Stop allowing a negative margin?',
            message: 'Payouts and overrides above revenue are refused again from now on; existing terms stay as they are until edited.',
            confirmLabel: 'Stop allowing',
            onConfirm: () => set(false),
          }
        : {
            title: 'Allow a negative margin?',
            message: 'The advertiser may then set payouts and overrides above the campaign’s revenue: the network pays affiliates more than it charges. This is recorded with your name.',
            confirmLabel: 'Allow negative margin',
            variant: 'danger',
            onConfirm: () => set(true),
          },
    );
  return (
    <div className="flex flex-wrap items-center gap-3">
      {allowed ? (
        <span className="font-medium text-amber-800">Allowed by an admin: payouts may exceed revenue</span>
      ) : (
        <span className="text-slate-600">Not allowed: payouts may not exceed revenue</span>
      )}
      <Button variant="secondary" size="sm" onClick={ask}>
        {allowed ? 'Stop allowing' : 'Allow…'}
      </Button>
      {confirm && <ConfirmDialog options={confirm} onClose={() => setConfirm(null)} />}
    </div>
  );
}

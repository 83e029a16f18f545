import type { PayoutModel } from '../../api/types';
import { formatMargin, NEGATIVE_MARGIN_WARNING, type Margin } from '../../lib/margin';

const PER: Record<PayoutModel, string> = { CPA: 'per action', CPL: 'per lead', CPC: 'per unique click', CPS: 'of each sale' };

/**
 * The margin as it is typed, and the warning when payout exceeds revenue.
 * The live region is always rendered so screen readers hear the change, not just a new node.
 */
export function MarginNote({ margin, model, currency, allowed, advice }: { margin: Margin | null; model: PayoutModel; currency: string; allowed: boolean; advice: string }) {
  return (
    <div aria-live="polite" className="space-y-1 text-sm">
      {margin && (
        <p className="text-slate-700">
          Margin: <span className={`font-semibold tabular-nums ${margin.negative ? 'text-rose-700' : 'text-emerald-700'}`}>{formatMargin(margin, currency)}</span> {PER[model]}
        </p>
      )}
      {margin?.negative && (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-amber-900 ring-1 ring-amber-200">
          <strong>{NEGATIVE_MARGIN_WARNING}.</strong> {allowed ? 'An admin has allowed a negative margin on this campaign.' : advice}
        </p>
      )}
    </div>
  );
}

/** Lowering revenue below a saved per-affiliate override is refused by the API as well. */
export function OverridesOverNote({ affiliateIds, allowed }: { affiliateIds: string[]; allowed: boolean }) {
  if (!affiliateIds.length) return null;
  return (
    <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
      <strong>{NEGATIVE_MARGIN_WARNING}</strong> with the payout override{affiliateIds.length === 1 ? '' : 's'} of <span className="font-mono text-xs">{affiliateIds.join(', ')}</span>.{' '}
      {allowed ? 'An admin has allowed a negative margin on this campaign.' : 'Raise the revenue or lower those overrides first.'}
    </p>
  );
}

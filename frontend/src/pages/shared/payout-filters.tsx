import { useId } from 'react';
import type { PayoutQuery } from '../../api/payouts';
import type { PayoutStatus } from '../../api/types';
import { inputClass } from '../../components/form/fields';
import { useUrlListFilter } from '../../hooks/useListFilter';
import { useUrlParams } from '../../hooks/useUrlState';
import { COMMON_CURRENCIES } from '../../lib/money';
import { AccountFilter } from './AccountFilter';

const STATUSES: Record<PayoutStatus | 'all', string> = { all: 'All', pending_approval: 'Pending approval', approved: 'Approved', paid: 'Paid', rejected: 'Rejected' };
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The day after a `YYYY-MM-DD` day: the list's `to` excludes its bound, the picker's "to" day is included. */
export function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The payouts list's filters, all in the URL (shareable, kept on reload):
 * `status`, `currency`, `affiliate` (admins), and `from`/`to` days (UTC) of
 * when the payout run created the payout, `to` included.
 */
export function usePayoutFilters(admin: boolean) {
  const status = useUrlListFilter('status', 'Payout status', STATUSES, admin ? 'pending_approval' : 'all');
  const [params, set] = useUrlParams();
  const day = (k: string) => (DAY.test(params.get(k) ?? '') ? (params.get(k) as string) : '');
  const currency = /^[A-Z]{3}$/.test(params.get('currency') ?? '') ? (params.get('currency') as string) : '';
  const affiliateId = admin ? (params.get('affiliate') ?? '') : '';
  const from = day('from');
  const to = day('to');
  const query: Omit<PayoutQuery, 'cursor' | 'limit' | 'sort' | 'order'> = {
    status: status.param,
    ...(currency ? { currency } : {}),
    ...(affiliateId ? { affiliateId } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to: dayAfter(to) } : {}),
  };
  return { status, currency, affiliateId, from, to, query, set };
}

export type PayoutFilters = ReturnType<typeof usePayoutFilters>;

/** The toolbar of the payouts list: status, currency, affiliate (admins) and the creation days. */
export function PayoutFilterBar({ filters, admin, affiliateName }: { filters: PayoutFilters; admin: boolean; affiliateName?: string | null }) {
  const id = useId();
  const currencies = filters.currency && !COMMON_CURRENCIES.includes(filters.currency) ? [filters.currency, ...COMMON_CURRENCIES] : COMMON_CURRENCIES;
  const label = 'mb-1 block text-xs font-medium text-slate-600';
  return (
    <>
      {filters.status.control}
      <div className="flex w-full flex-wrap items-end gap-3">
        <div className="w-28">
          <label htmlFor={`${id}-cur`} className={label}>
            Currency
          </label>
          <select id={`${id}-cur`} value={filters.currency} onChange={(e) => filters.set({ currency: e.target.value })} className={inputClass(false, 'py-1.5')}>
            <option value="">Any</option>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        {admin && <AccountFilter role="affiliate" value={filters.affiliateId} onChange={(v) => filters.set({ affiliate: v })} chosenName={affiliateName} />}
        <div className="w-40">
          <label htmlFor={`${id}-from`} className={label}>
            Created from (UTC)
          </label>
          <input id={`${id}-from`} type="date" value={filters.from} max={filters.to || undefined} onChange={(e) => filters.set({ from: e.target.value })} className={inputClass(false, 'py-1.5')} />
        </div>
        <div className="w-40">
          <label htmlFor={`${id}-to`} className={label}>
            Created to (UTC)
          </label>
          <input id={`${id}-to`} type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => filters.set({ to: e.target.value })} className={inputClass(false, 'py-1.5')} />
        </div>
      </div>
    </>
  );
}

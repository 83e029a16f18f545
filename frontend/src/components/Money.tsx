import { formatBps, formatEpc, formatMoney } from '../lib/money';
import { formatNumber, formatRate } from '../lib/format';

/** Money in its currency; a dash when hidden (`null` cents) or when rows mix currencies (`null` currency). */
export function Money({ cents, currency, className = '' }: { cents: number | null | undefined; currency: string | null; className?: string }) {
  if (cents === null || cents === undefined || currency === null) return <span className={`text-slate-500 ${className}`}>—</span>;
  return <span className={`tabular-nums ${className}`}>{formatMoney(cents, currency)}</span>;
}

export const Num = ({ value }: { value: number | null | undefined }) =>
  value === null || value === undefined ? <span className="text-slate-500">—</span> : <span className="tabular-nums">{formatNumber(value)}</span>;

export const Rate = ({ value }: { value: number | null | undefined }) =>
  value === null || value === undefined ? <span className="text-slate-500">—</span> : <span className="tabular-nums">{formatRate(value)}</span>;

export const Bps = ({ value }: { value: number | null | undefined }) =>
  value === null || value === undefined ? <span className="text-slate-500">—</span> : <span className="tabular-nums">{formatBps(value)}</span>;

export const Epc = ({ value, currency }: { value: string | null | undefined; currency: string }) =>
  value ? <span className="tabular-nums">{formatEpc(value, currency)}</span> : <span className="text-slate-500">—</span>;

/** The affiliate-facing payout of an offer: an amount for fixed models, a share for CPS. */
export function PayoutTerm({ model, cents, bps, currency }: { model: string; cents: number | null; bps: number | null; currency: string }) {
  if (model === 'CPS') return <Bps value={bps} />;
  return <Money cents={cents} currency={currency} />;
}

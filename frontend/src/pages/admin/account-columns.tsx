import type { AffiliateAccount } from '../../api/types';
import type { Column } from '../../components/DataTable';
import { formatDateTime } from '../../lib/format';

/** The account's name with its email below: the affiliate queue and the users list show people alike. */
export function accountColumn(header: string): Column<AffiliateAccount> {
  return {
    id: 'name',
    header,
    cell: (a) => (
      <span>
        <span className="block font-medium text-slate-900">{a.name}</span>
        <span className="block text-xs text-slate-600">{a.email}</span>
      </span>
    ),
  };
}

/** The last decision a person made about the account (system changes have no `by`), with its note. */
export const lastReviewColumn: Column<AffiliateAccount> = {
  id: 'last',
  header: 'Last review',
  cell: (a) => {
    const h = [...(a.statusHistory ?? [])].reverse().find((x) => x.by);
    return h ? (
      <span className="block max-w-xs truncate text-xs text-slate-700" title={h.note}>
        {formatDateTime(h.at)}
        {h.note ? ` — ${h.note}` : ''}
      </span>
    ) : (
      <span className="text-slate-500">—</span>
    );
  },
  hideOnMobile: true,
};

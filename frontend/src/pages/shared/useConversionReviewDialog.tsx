import type { ReactNode } from 'react';
import { useConversionReview } from '../../api/mutations';
import type { Conversion } from '../../api/types';
import { useConfirm } from '../../components/ConfirmDialog';
import { Money } from '../../components/Money';
import { useToast } from '../../context/ToastContext';

/**
 * The approve / reject dialog of a conversion. The note stays between the reviewer and the network unless the
 * reviewer shares it with the affiliate (who always sees the change and its reason).
 */
export function useConversionReviewDialog(): { review(c: Conversion, action: 'approve' | 'reject'): void; dialog: ReactNode } {
  const reviewConversion = useConversionReview();
  const { ask, dialog } = useConfirm();
  const { notify } = useToast();
  const review = (c: Conversion, action: 'approve' | 'reject') =>
    ask({
      title: action === 'approve' ? 'Approve conversion' : 'Reject conversion',
      message: (
        <p>
          {action === 'approve' ? 'Approve' : 'Reject'} conversion <span className="font-mono">{c.txnId ?? c.id}</span> worth <Money cents={c.payoutCents} currency={c.currency} /> to the affiliate?
        </p>
      ),
      confirmLabel: action === 'approve' ? 'Approve' : 'Reject',
      variant: action === 'approve' ? 'success' : 'danger',
      note: { label: 'Note (kept with the conversion)', required: action === 'reject', placeholder: action === 'reject' ? 'Why is it rejected?' : 'Optional' },
      check: { label: 'Also show this note to the affiliate', hint: 'Otherwise the affiliate sees the change and its reason, not the note.' },
      onConfirm: async ({ note, checked }) => {
        await reviewConversion.mutateAsync({ id: c.id, action, note, shareNote: checked && note !== '' });
        notify('success', `Conversion ${action === 'approve' ? 'approved' : 'rejected'}`);
      },
    });
  return { review, dialog };
}

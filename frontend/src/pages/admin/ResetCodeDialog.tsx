import type { AffiliateAccount } from '../../api/types';
import { Button } from '../../components/Button';
import { CopyField } from '../../components/CopyButton';
import { Modal } from '../../components/Modal';
import { formatDateTime } from '../../lib/format';

/** The one-time reset code, shown this once (only its hash is kept); closing the dialog forgets it. */
export function ResetCodeDialog({ user, code, expiresAt, onClose }: { user: AffiliateAccount; code: string; expiresAt: string; onClose(): void }) {
  const link = `${window.location.origin}/reset-password?email=${encodeURIComponent(user.email)}`;
  return (
    <Modal title={`Reset code for ${user.name}`} onClose={onClose} footer={<Button onClick={onClose}>Done</Button>}>
      <div className="space-y-3 text-sm text-slate-700">
        <p>This is the only time the code is shown. Give it to {user.name} over a channel you trust; it works once, until {formatDateTime(expiresAt)}.</p>
        <CopyField value={code} what="reset code" label="One-time code" />
        <p>
          They enter it with their email ({user.email}) at <span className="font-mono break-all">{link}</span>.
        </p>
      </div>
    </Modal>
  );
}

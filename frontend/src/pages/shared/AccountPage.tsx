import { useState, type FormEvent } from 'react';
import { authApi } from '../../api/auth';
import { asApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { useConfirm } from '../../components/ConfirmDialog';
import { FormAlert, TextField } from '../../components/form/fields';
import { PageHeader } from '../../components/PageHeader';
import { useUser } from '../../context/AuthContext';
import { useToast } from '../../context/ToastContext';

/**
 * The signed-in account's security: change the password (the current one is
 * asked again) and sign out every other session. Both keep this session: the
 * API answers with new session cookies, which the API client reads on its next
 * write.
 */
export function AccountPage() {
  const user = useUser();
  return (
    <>
      <PageHeader title="Account" description={`Signed in as ${user.email}.`} />
      <div className="grid gap-4 lg:grid-cols-2">
        <ChangePasswordCard />
        <SessionsCard />
      </div>
    </>
  );
}

function ChangePasswordCard() {
  const { notify } = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<{ current?: string | undefined; next?: string | undefined; form?: string | undefined }>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs = { current: current ? undefined : 'Enter your current password', next: next.length >= 8 ? undefined : 'At least 8 characters' };
    setErrors(errs);
    if (errs.current || errs.next) return;
    setBusy(true);
    try {
      await authApi.changePassword(current, next);
      setCurrent('');
      setNext('');
      setErrors({});
      notify('success', 'Password changed; your other sessions are signed out');
    } catch (err) {
      const apiErr = asApiError(err);
      const f = apiErr.fieldErrors;
      setErrors({ current: f.currentPassword, next: f.newPassword ?? f.password, form: f.currentPassword || f.newPassword || f.password ? undefined : apiErr.message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card className="p-5">
      <h2 className="text-base font-semibold text-slate-900">Change password</h2>
      <form onSubmit={submit} noValidate className="mt-3 space-y-4">
        <FormAlert message={errors.form ?? null} />
        <TextField label="Current password" type="password" autoComplete="current-password" value={current} onChange={setCurrent} error={errors.current ?? null} required />
        <TextField label="New password" type="password" autoComplete="new-password" value={next} onChange={setNext} error={errors.next ?? null} hint="At least 8 characters, not easy to guess." required />
        <Button type="submit" busy={busy}>
          Change password
        </Button>
      </form>
    </Card>
  );
}

function SessionsCard() {
  const { notify } = useToast();
  const { ask, dialog } = useConfirm();
  const signOutOthers = () =>
    ask({
      title: 'Sign out other sessions',
      message: 'Every other browser and program signed in to this account with a password is signed out at once. This session stays signed in. API keys keep working.',
      confirmLabel: 'Sign out others',
      variant: 'danger',
      onConfirm: async () => {
        await authApi.signOutOthers();
        notify('success', 'Your other sessions are signed out');
      },
    });
  return (
    <Card className="p-5">
      <h2 className="text-base font-semibold text-slate-900">Sessions</h2>
      <p className="mt-2 text-sm text-slate-700">Signed in somewhere you no longer use, or on a shared computer? End every other session of this account.</p>
      <Button className="mt-4" variant="secondary" onClick={signOutOthers}>
        Sign out other sessions
      </Button>
      {dialog}
    </Card>
  );
}

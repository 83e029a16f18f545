import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { authApi } from '../../api/auth';
import { asApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { FormAlert, TextField } from '../../components/form/fields';
import { isEmail } from '../../lib/validation';
import { AuthLayout } from './AuthLayout';

/** Public: the account's owner sets a new password with the one-time code an admin gave them. */
export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string | undefined>>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs = { email: isEmail(email) ? undefined : 'Enter a valid email address', code: code.trim() ? undefined : 'Enter the code', password: password.length >= 8 ? undefined : 'At least 8 characters' };
    setFieldErrors(errs);
    setError(null);
    if (errs.email || errs.code || errs.password) return;
    setBusy(true);
    try {
      await authApi.resetPassword(email.trim(), code.trim(), password);
      setDone(true);
    } catch (err) {
      const apiErr = asApiError(err);
      setFieldErrors({ email: apiErr.fieldErrors.email, code: apiErr.fieldErrors.code, password: apiErr.fieldErrors.password });
      setError(apiErr.fieldErrors.password ? null : apiErr.message);
    } finally {
      setBusy(false);
    }
  };

  const back = (
    <Link to="/signin" className="font-medium text-indigo-700 hover:underline">
      Back to sign in
    </Link>
  );
  if (done) {
    return (
      <AuthLayout title="Password set" subtitle="Every session of your account was signed out." footer={back}>
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          Your new password is set. Sign in with it.
        </p>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title="Set a new password" subtitle="Enter the one-time code an admin gave you. It works once, within an hour." footer={back}>
      <form onSubmit={submit} noValidate className="space-y-4">
        <FormAlert message={error} />
        <TextField label="Email" type="email" autoComplete="email" value={email} onChange={setEmail} error={fieldErrors.email ?? null} required />
        <TextField label="One-time code" autoComplete="one-time-code" value={code} onChange={setCode} error={fieldErrors.code ?? null} required />
        <TextField label="New password" type="password" autoComplete="new-password" value={password} onChange={setPassword} error={fieldErrors.password ?? null} hint="At least 8 characters, not easy to guess." required />
        <Button type="submit" busy={busy} className="w-full">
          Set password
        </Button>
      </form>
    </AuthLayout>
  );
}

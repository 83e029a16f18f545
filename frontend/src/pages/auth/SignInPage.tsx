import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { Button } from '../../components/Button';
import { FormAlert, TextField } from '../../components/form/fields';
import { homeFor } from '../../components/layout/nav';
import { useAuth } from '../../context/AuthContext';
import { canOpen } from '../../routes';
import { asApiError } from '../../api/client';
import { hasErrors, isEmail, type Errors } from '../../lib/validation';
import { AuthLayout } from './AuthLayout';

export function SignInPage() {
  const { signIn, state } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<'email' | 'password'>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const expired = state.status === 'signedOut' && state.reason === 'expired';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors<'email' | 'password'> = {};
    if (!isEmail(email)) errs.email = 'Enter a valid email address';
    if (!password) errs.password = 'Enter your password';
    setErrors(errs);
    setFormError(null);
    if (hasErrors(errs)) return;
    setBusy(true);
    try {
      const user = await signIn(email.trim(), password);
      const from = (location.state as { from?: string } | null)?.from;
      navigate(from && canOpen(user.role, from) ? from : homeFor(user.role), { replace: true });
    } catch (err) {
      const apiErr = asApiError(err);
      setErrors({ email: apiErr.fieldErrors.email, password: apiErr.fieldErrors.password });
      setFormError(apiErr.message);
      setBusy(false);
    }
  };

  return (
    <AuthLayout
      title="Sign in to Offerly"
      subtitle="Advertisers, affiliates and admins sign in here."
      footer={
        <>
          New to Offerly?{' '}
          <Link to="/register" className="font-medium text-indigo-700 hover:underline">
            Create an account
          </Link>
          <span className="mt-2 block">
            Have a reset code from an admin?{' '}
            <Link to="/reset-password" className="font-medium text-indigo-700 hover:underline">
              Set a new password
            </Link>
          </span>
        </>
      }
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        {expired && !formError && (
          <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            Your session ended. Please sign in again.
          </p>
        )}
        <FormAlert message={formError} />
        <TextField label="Email" type="email" autoComplete="email" value={email} onChange={setEmail} error={errors.email} required />
        <TextField label="Password" type="password" autoComplete="current-password" value={password} onChange={setPassword} error={errors.password} required />
        <Button type="submit" busy={busy} className="w-full">
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}

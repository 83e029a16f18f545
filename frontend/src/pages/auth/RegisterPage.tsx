import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Button } from '../../components/Button';
import { FormAlert, RadioCards, TextField } from '../../components/form/fields';
import { homeFor } from '../../components/layout/nav';
import { useAuth } from '../../context/AuthContext';
import { asApiError } from '../../api/client';
import { formErrorsFrom } from '../../lib/field-errors';
import { hasErrors, isEmail, type Errors } from '../../lib/validation';
import { AuthLayout } from './AuthLayout';

const FIELDS = ['email', 'password', 'name', 'company', 'role'] as const;
type Field = (typeof FIELDS)[number];

export function RegisterPage() {
  const { register } = useAuth();
  const navigate = useNavigate();
  const [role, setRole] = useState<'affiliate' | 'advertiser'>('affiliate');
  const [name, setName] = useState('');
  const [company, setCompany] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<Field>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors<Field> = {};
    if (!name.trim()) errs.name = 'Enter your name';
    else if (name.trim().length > 100) errs.name = 'At most 100 characters';
    if (company.trim().length > 100) errs.company = 'At most 100 characters';
    if (!isEmail(email)) errs.email = 'Enter a valid email address';
    if (password.length < 8) errs.password = 'Use at least 8 characters';
    setErrors(errs);
    setFormError(null);
    if (hasErrors(errs)) return;
    setBusy(true);
    try {
      const user = await register({ role, name: name.trim(), company: company.trim(), email: email.trim(), password });
      navigate(user.role === 'affiliate' && user.status !== 'approved' ? '/' : homeFor(user.role), { replace: true });
    } catch (err) {
      const { fieldErrors, alert } = formErrorsFrom(asApiError(err), FIELDS);
      setErrors(fieldErrors);
      setFormError(alert);
      setBusy(false);
    }
  };

  return (
    <AuthLayout
      title="Create your account"
      subtitle="Affiliates start once an admin approves them; advertisers can create campaigns right away."
      footer={
        <>
          Already have an account?{' '}
          <Link to="/signin" className="font-medium text-indigo-700 hover:underline">
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        <FormAlert message={formError} />
        <RadioCards
          legend="I am"
          name="role"
          value={role}
          onChange={setRole}
          error={errors.role}
          options={[
            { value: 'affiliate', label: 'An affiliate', description: 'Promote offers and earn per conversion' },
            { value: 'advertiser', label: 'An advertiser', description: 'Run campaigns and pay for results' },
          ]}
        />
        <TextField label="Your name" autoComplete="name" value={name} onChange={setName} error={errors.name} required maxLength={100} />
        <TextField label="Company" hint="Optional" autoComplete="organization" value={company} onChange={setCompany} error={errors.company} maxLength={100} />
        <TextField label="Email" type="email" autoComplete="email" value={email} onChange={setEmail} error={errors.email} required />
        <TextField label="Password" type="password" autoComplete="new-password" value={password} onChange={setPassword} error={errors.password} hint="At least 8 characters and hard to guess: a few uncommon words work well" required />
        <Button type="submit" busy={busy} className="w-full">
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}

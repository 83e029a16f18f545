import { useState } from 'react';
import { Button } from '../../components/Button';
import { StatusBadge } from '../../components/StatusBadge';
import { useAuth, useUser } from '../../context/AuthContext';
import { AuthLayout } from './AuthLayout';

const TEXT: Record<string, { title: string; body: string }> = {
  pending: {
    title: 'Your account is awaiting approval',
    body: 'An admin reviews every new affiliate. You can sign in again or check back here; offers, links and stats open as soon as your account is approved.',
  },
  rejected: { title: 'Your application was not approved', body: 'An admin declined this affiliate account. Contact the network if you think this is a mistake.' },
  suspended: { title: 'Your account is suspended', body: 'Your links keep redirecting to the advertisers’ fallback pages while the account is suspended. Contact the network for details.' },
};

/** What an affiliate sees until an admin approves it. */
export function AccountStatusPage() {
  const user = useUser();
  const { refresh, signOut } = useAuth();
  const [checking, setChecking] = useState(false);
  const text = TEXT[user.status] ?? TEXT.pending!;
  return (
    <AuthLayout title={text.title} subtitle={<>Signed in as {user.email}</>}>
      <div className="space-y-4">
        <div className="flex items-center gap-2 text-sm text-slate-700">
          Account status: <StatusBadge status={user.status} />
        </div>
        <p className="text-sm text-slate-700">{text.body}</p>
        <div className="flex flex-wrap gap-2">
          <Button
            busy={checking}
            onClick={async () => {
              setChecking(true);
              await refresh();
              setChecking(false);
            }}
          >
            Check again
          </Button>
          <Button variant="secondary" onClick={() => void signOut()}>
            Sign out
          </Button>
        </div>
      </div>
    </AuthLayout>
  );
}

import { Card } from '../../components/Card';
import { PageHeader } from '../../components/PageHeader';
import { useUser } from '../../context/AuthContext';
import { ConversionsTable } from './ConversionsTable';
import { PostbacksTable } from './PostbacksTable';

export function ConversionsPage() {
  const user = useUser();
  const text = {
    affiliate: 'Your conversions, their status and, for rejected ones, the reason.',
    advertiser: 'Conversions on your campaigns. Approve or reject pending ones.',
    admin: 'Conversions across the platform.',
  }[user.role];
  return (
    <>
      <PageHeader title="Conversions" description={text} />
      <Card>
        <ConversionsTable role={user.role} />
      </Card>
    </>
  );
}

export function PostbacksPage() {
  const user = useUser();
  return (
    <>
      <PageHeader title="Postback log" description="Every server-to-server postback received and how it was resolved." />
      <Card>
        <PostbacksTable role={user.role} />
      </Card>
    </>
  );
}

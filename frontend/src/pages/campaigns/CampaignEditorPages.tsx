import { useQuery } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router-dom';
import { useCampaignSaved } from '../../api/mutations';
import { queries } from '../../api/queries';
import { PageHeader } from '../../components/PageHeader';
import { Async } from '../../components/states';
import { useToast } from '../../context/ToastContext';
import { Card } from '../../components/Card';
import { useUser } from '../../context/AuthContext';
import { useUrlParam } from '../../hooks/useUrlState';
import { AdvertiserPicker } from './AdvertiserPicker';
import { CampaignForm } from './CampaignForm';

export function NewCampaignPage() {
  const navigate = useNavigate();
  const { notify } = useToast();
  const saved = useCampaignSaved();
  const isAdmin = useUser().role === 'admin';
  // An admin creates the campaign for an advertiser, preselected from the users list's "New campaign for …".
  const [advertiserId, setAdvertiserId] = useUrlParam('advertiserId');
  const [find] = useUrlParam('find');
  return (
    <>
      <PageHeader
        title={isAdmin ? 'New campaign for an advertiser' : 'New campaign'}
        description="Set the payout terms and destination; affiliates can request links as soon as it is active."
      />
      {isAdmin && (
        <Card className="mb-4 p-5">
          <AdvertiserPicker value={advertiserId} onChange={setAdvertiserId} initialSearch={find} />
        </Card>
      )}
      <CampaignForm
        advertiserId={isAdmin ? advertiserId : undefined}
        onCancel={() => navigate('/campaigns')}
        onSaved={(c) => {
          saved(c);
          notify('success', `Campaign “${c.name}” created`);
          navigate(`/campaigns/${c.id}`);
        }}
      />
    </>
  );
}

export function EditCampaignPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { notify } = useToast();
  const state = useQuery(queries.campaigns.detail(id));
  const saved = useCampaignSaved();
  return (
    <>
      <PageHeader title={state.data ? `Edit ${state.data.campaign.name}` : 'Edit campaign'} />
      <Async state={state}>
        {({ campaign }) => (
          <CampaignForm
            campaign={campaign}
            onCancel={() => navigate(`/campaigns/${id}`)}
            onSaved={(c) => {
              saved(c);
              notify('success', 'Campaign saved');
              navigate(`/campaigns/${c.id}?tab=settings`);
            }}
          />
        )}
      </Async>
    </>
  );
}

import { useNavigate, useParams } from 'react-router-dom';
import { campaignsApi } from '../../api/campaigns';
import { PageHeader } from '../../components/PageHeader';
import { Async } from '../../components/states';
import { useToast } from '../../context/ToastContext';
import { useApi } from '../../hooks/useApi';
import { CampaignForm } from './CampaignForm';

export function NewCampaignPage() {
  const navigate = useNavigate();
  const { notify } = useToast();
  return (
    <>
      <PageHeader title="New campaign" description="Set the payout terms and destination; affiliates can request links as soon as it is active." />
      <CampaignForm
        onCancel={() => navigate('/campaigns')}
        onSaved={(c) => {
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
  const state = useApi((signal) => campaignsApi.get(id, signal), [id]);
  return (
    <>
      <PageHeader title={state.data ? `Edit ${state.data.campaign.name}` : 'Edit campaign'} />
      <Async state={state}>
        {({ campaign }) => (
          <CampaignForm
            campaign={campaign}
            onCancel={() => navigate(`/campaigns/${id}`)}
            onSaved={(c) => {
              notify('success', 'Campaign saved');
              navigate(`/campaigns/${c.id}?tab=settings`);
            }}
          />
        )}
      </Async>
    </>
  );
}

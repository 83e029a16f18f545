import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { campaignsApi } from '../../api/campaigns';
import { useCampaignSaved } from '../../api/mutations';
import { queries } from '../../api/queries';
import type { Campaign } from '../../api/types';
import { Button, LinkButton } from '../../components/Button';
import { Card } from '../../components/Card';
import { useConfirm } from '../../components/ConfirmDialog';
import { PageHeader } from '../../components/PageHeader';
import { Async } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { TabPanel, Tabs } from '../../components/Tabs';
import { useUser } from '../../context/AuthContext';
import { useToast } from '../../context/ToastContext';
import { ConversionsTable } from '../shared/ConversionsTable';
import { ClickLogCard } from '../shared/ClickLogCard';
import { LiveSection } from '../shared/LiveSection';
import { CampaignAnalytics } from './CampaignAnalytics';
import { CampaignHistory } from './CampaignHistory';
import { CampaignSettings } from './CampaignSettings';
import { PostbackSetup } from './PostbackSetup';

type Tab = 'overview' | 'conversions' | 'postback' | 'settings' | 'history';
const TABS: Array<{ id: Tab; label: string }> = [
  { id: 'overview', label: 'Overview' },
  { id: 'conversions', label: 'Conversions' },
  { id: 'postback', label: 'Postback setup' },
  { id: 'settings', label: 'Settings' },
  { id: 'history', label: 'History' },
];

/** One campaign: live counters, charts, conversions review, postback setup, terms and history. */
export function CampaignPage() {
  const { id = '' } = useParams();
  const state = useQuery(queries.campaigns.detail(id));
  const saved = useCampaignSaved();
  return (
    <Async state={state} loadingLabel="Loading campaign…">
      {({ campaign }) => <CampaignView campaign={campaign} onChanged={saved} />}
    </Async>
  );
}

function CampaignView({ campaign, onChanged }: { campaign: Campaign; onChanged(c: Campaign): void }) {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const tab = (TABS.find((t) => t.id === params.get('tab'))?.id ?? 'overview') as Tab;
  const { ask, dialog } = useConfirm();
  const { notify } = useToast();

  const change = (verb: 'pause' | 'resume' | 'archive') => {
    const text = {
      pause: { title: 'Pause campaign', message: 'Clicks will be sent to the fallback URL until you resume it.', label: 'Pause' },
      resume: { title: 'Resume campaign', message: 'Clicks will reach the destination again.', label: 'Resume' },
      archive: { title: 'Archive campaign', message: 'Archiving is final: links stop working and the campaign cannot be edited or resumed.', label: 'Archive' },
    }[verb];
    ask({
      title: text.title,
      message: text.message,
      confirmLabel: text.label,
      variant: verb === 'archive' ? 'danger' : 'primary',
      onConfirm: async () => {
        const res = await campaignsApi.changeStatus(campaign.id, verb);
        onChanged(res.campaign);
        notify('success', `Campaign ${res.campaign.status}`);
      },
    });
  };

  return (
    <>
      <PageHeader
        title={campaign.name}
        meta={
          <>
            <StatusBadge status={campaign.status} />
            <span>{campaign.payoutModel}</span>
            <span aria-hidden="true">·</span>
            <span>{campaign.currency}</span>
            {user.role === 'admin' && (
              <>
                <span aria-hidden="true">·</span>
                <span>
                  Advertiser{' '}
                  <Link to={`/campaigns?advertiser=${campaign.advertiserId}`} className="font-medium text-indigo-700 hover:underline" title="This advertiser’s campaigns">
                    {campaign.advertiserName ?? campaign.advertiserId}
                  </Link>
                </span>
              </>
            )}
          </>
        }
        description={campaign.description || undefined}
        actions={
          campaign.status !== 'archived' && (
            <>
              <LinkButton to={`/campaigns/${campaign.id}/edit`} variant="secondary">
                Edit
              </LinkButton>
              {campaign.status === 'active' ? (
                <Button variant="secondary" onClick={() => change('pause')}>
                  Pause
                </Button>
              ) : (
                <Button variant="secondary" onClick={() => change('resume')}>
                  Resume
                </Button>
              )}
              <Button variant="danger" onClick={() => change('archive')}>
                Archive
              </Button>
            </>
          )
        }
      />
      <Tabs label="Campaign sections" idPrefix="campaign" tabs={TABS} value={tab} onChange={(t) => setParams(t === 'overview' ? {} : { tab: t }, { replace: true })} />
      <TabPanel idPrefix="campaign" id={tab}>
        {tab === 'overview' && (
          <div className="space-y-6">
            <LiveSection scope="campaign" id={campaign.id} title="Live" currency={campaign.currency} />
            <CampaignAnalytics campaign={campaign} />
            <ClickLogCard scope="campaign" id={campaign.id} />
          </div>
        )}
        {tab === 'conversions' && (
          <Card>
            <ConversionsTable role={user.role} campaignId={campaign.id} showCampaign={false} />
          </Card>
        )}
        {tab === 'postback' && <PostbackSetup campaign={campaign} onChanged={onChanged} />}
        {tab === 'settings' && <CampaignSettings campaign={campaign} onChanged={onChanged} isAdmin={user.role === 'admin'} />}
        {tab === 'history' && <CampaignHistory campaign={campaign} />}
      </TabPanel>
      {dialog}
    </>
  );
}

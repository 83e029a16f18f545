import { formatDays } from '../../lib/format';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import { queries } from '../../api/queries';
import type { OfferView, TrackingLink } from '../../api/types';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { CopyField } from '../../components/CopyButton';
import { TextField } from '../../components/form/fields';
import { Money, PayoutTerm } from '../../components/Money';
import { PageHeader } from '../../components/PageHeader';
import { Async } from '../../components/states';
import { StatusBadge } from '../../components/StatusBadge';
import { isHttpUrl } from '../../lib/validation';
import { buildTrackingUrl, SUB_KEYS, subIdProblems, type SubIds } from './sub-id-url';

/** One offer: its terms, the affiliate's tracking link and a sub-ID builder. */
export function OfferPage() {
  const { id = '' } = useParams();
  const offer = useQuery(queries.offers.detail(id));
  const link = useQuery(queries.links.forCampaign(id));
  return (
    <Async state={offer} loadingLabel="Loading offer…">
      {({ campaign }) => (
        <>
          <PageHeader title={campaign.name} meta={<><StatusBadge status={campaign.status} /> <span>{campaign.payoutModel}</span></>} description={campaign.description || undefined} />
          <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
            <div className="space-y-6 lg:col-span-2">
              <Card>
                <CardHeader title="Your tracking link" description="Send visitors to this link; each click is counted and redirected to the advertiser." />
                <CardBody>
                  <Async state={link} loadingLabel="Getting your link…">
                    {({ link: l }) => <CopyField value={l.url} what="tracking link" label="Tracking link" />}
                  </Async>
                </CardBody>
              </Card>
              {link.data && <SubIdBuilder link={link.data.link} offer={campaign} />}
            </div>
            <OfferTerms offer={campaign} />
          </div>
        </>
      )}
    </Async>
  );
}

function OfferTerms({ offer: o }: { offer: OfferView }) {
  const caps = o.caps;
  return (
    <Card>
      <CardHeader title="Terms" />
      <CardBody>
        <dl className="space-y-3 text-sm">
          <div>
            <dt className="text-slate-600">Your payout</dt>
            <dd className="text-lg font-semibold text-slate-900">
              <PayoutTerm model={o.payoutModel} cents={o.payoutCents} bps={o.payoutBps} currency={o.currency} />
              <span className="ml-1 text-sm font-normal text-slate-600">{o.payoutModel === 'CPS' ? 'of each sale' : o.payoutModel === 'CPC' ? 'per unique click' : o.payoutModel === 'CPL' ? 'per lead' : 'per action'}</span>
            </dd>
          </div>
          <div>
            <dt className="text-slate-600">Attribution window</dt>
            <dd>{formatDays(o.attributionWindowDays)}</dd>
          </div>
          {o.previewUrl && (
            <div>
              <dt className="text-slate-600">Landing site</dt>
              <dd className="break-all">{o.previewUrl}</dd>
            </div>
          )}
          <div>
            <dt className="text-slate-600">Caps</dt>
            <dd>
              {caps.dailyConversions === null && caps.totalConversions === null && caps.dailyBudgetCents === null && caps.totalBudgetCents === null ? (
                'None'
              ) : (
                <ul className="list-inside list-disc">
                  {caps.dailyConversions !== null && <li>{caps.dailyConversions} conversions a day</li>}
                  {caps.totalConversions !== null && <li>{caps.totalConversions} conversions in total</li>}
                  {caps.dailyBudgetCents !== null && (
                    <li>
                      <Money cents={caps.dailyBudgetCents} currency={o.currency} /> a day
                    </li>
                  )}
                  {caps.totalBudgetCents !== null && (
                    <li>
                      <Money cents={caps.totalBudgetCents} currency={o.currency} /> in total
                    </li>
                  )}
                </ul>
              )}
            </dd>
          </div>
        </dl>
      </CardBody>
    </Card>
  );
}

function SubIdBuilder({ link, offer }: { link: TrackingLink; offer: OfferView }) {
  const [subs, setSubs] = useState<SubIds>({ sub1: '', sub2: '', sub3: '', sub4: '', sub5: '' });
  const [deepLink, setDeepLink] = useState('');
  const problems = subIdProblems(subs, link.subIds.maxLength);
  const deepLinkError = deepLink.trim() && !isHttpUrl(deepLink) ? 'Must be an absolute http(s) URL on the advertiser’s site' : undefined;
  const url = buildTrackingUrl(link.url, subs, deepLinkError ? '' : deepLink);
  return (
    <Card>
      <CardHeader title="Sub-ID builder" description="Tag your traffic (source, ad set, creative…) to see it broken down in your stats." />
      <CardBody className="space-y-4">
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {SUB_KEYS.map((k) => (
            <TextField key={k} label={k} value={subs[k]} onChange={(v) => setSubs((s) => ({ ...s, [k]: v }))} error={problems[k]} placeholder={k === 'sub1' ? 'e.g. facebook' : k === 'sub2' ? 'e.g. adset-42' : ''} maxLength={link.subIds.maxLength} spellCheck={false} />
          ))}
        </div>
        {offer.allowDeepLink && (
          <TextField label="Deep link (optional)" type="url" value={deepLink} onChange={setDeepLink} error={deepLinkError} hint="Send visitors to a specific page of the advertiser’s site." placeholder={offer.previewUrl ? `${offer.previewUrl}/some-page` : 'https://…'} />
        )}
        <div>
          <p className="mb-1 text-sm font-medium text-slate-800">Your link with sub IDs</p>
          <CopyField value={url} what="link with sub IDs" label="Link with sub IDs" />
        </div>
      </CardBody>
    </Card>
  );
}

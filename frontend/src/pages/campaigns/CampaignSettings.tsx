import { useState, type FormEvent, type ReactNode } from 'react';
import { campaignsApi } from '../../api/campaigns';
import type { Campaign, Override } from '../../api/types';
import { Button, LinkButton } from '../../components/Button';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { DataTable, type Column } from '../../components/DataTable';
import { FormAlert, SelectField, TextField } from '../../components/form/fields';
import { Money, PayoutTerm } from '../../components/Money';
import { EmptyState } from '../../components/states';
import { useToast } from '../../context/ToastContext';
import { asApiError } from '../../api/client';
import { computeMargin, marginUnit, parseTerm } from '../../lib/margin';
import { formatCount, formatDays } from '../../lib/format';
import { parseMoney, parsePercentToBps } from '../../lib/money';
import { PICKER_DAYS, useCampaignAffiliates } from '../shared/useCampaignAffiliates';
import { MarginNote } from './MarginNote';
import { NegativeMarginControl } from './NegativeMarginControl';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-1 py-2 sm:grid-cols-[14rem_minmax(0,1fr)]">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="text-sm break-all text-slate-900">{children}</dd>
    </div>
  );
}

/** The typed override against the campaign's revenue; the API reads a missing revenue as 0, so does this. */
function overrideMargin(c: Campaign, amount: string) {
  const payout = parseTerm(c.payoutModel, c.currency, amount);
  const revenue = (c.payoutModel === 'CPS' ? c.revenueBps : c.revenueCents) ?? 0;
  return payout === null ? null : computeMargin(marginUnit(c.payoutModel), revenue, payout);
}

const limit = (v: number | null, render: (n: number) => ReactNode) => (v === null ? <span className="text-slate-500">No limit</span> : render(v));

/** The campaign's terms at a glance, plus per-affiliate payout overrides. */
export function CampaignSettings({ campaign, onChanged, isAdmin = false }: { campaign: Campaign; onChanged(c: Campaign): void; isAdmin?: boolean }) {
  const c = campaign;
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Terms" actions={c.status !== 'archived' && <LinkButton to={`/campaigns/${c.id}/edit`} variant="secondary" size="sm">Edit campaign</LinkButton>} />
        <CardBody>
          <dl className="divide-y divide-slate-100">
            <Row label="Payout model">{c.payoutModel}</Row>
            <Row label="Revenue">
              <PayoutTerm model={c.payoutModel} cents={c.revenueCents} bps={c.revenueBps} currency={c.currency} />
            </Row>
            <Row label="Affiliate payout">
              <PayoutTerm model={c.payoutModel} cents={c.payoutCents} bps={c.payoutBps} currency={c.currency} />
            </Row>
            <Row label="Currency">{c.currency}</Row>
            <Row label="Destination URL">
              <span className="font-mono text-xs">{c.destinationUrl}</span>
            </Row>
            <Row label="Fallback URL">{c.fallbackUrl ? <span className="font-mono text-xs">{c.fallbackUrl}</span> : <span className="text-slate-500">None (a small notice page)</span>}</Row>
            <Row label="Deep links">{c.allowDeepLink ? 'Allowed (same site)' : 'Not allowed'}</Row>
            <Row label="Daily conversion cap">{limit(c.caps.dailyConversions, (n) => n.toLocaleString())}</Row>
            <Row label="Total conversion cap">{limit(c.caps.totalConversions, (n) => n.toLocaleString())}</Row>
            <Row label="Daily budget">{limit(c.caps.dailyBudgetCents, (n) => <Money cents={n} currency={c.currency} />)}</Row>
            <Row label="Total budget">{limit(c.caps.totalBudgetCents, (n) => <Money cents={n} currency={c.currency} />)}</Row>
            <Row label="Attribution window">{formatDays(c.attributionWindowDays)}</Row>
            <Row label="Approval">
              {c.approvalMode === 'auto' ? 'Automatic' : `Manual${c.autoApproveAfterDays !== null ? `, auto-approved after ${formatDays(c.autoApproveAfterDays)}` : ''}`}
            </Row>
            <Row label="Minimum click-to-conversion">{c.minClickToConversionSeconds} s</Row>
            <Row label="One conversion per click">{c.oneConversionPerClick ? 'Yes' : 'No'}</Row>
            <Row label="Sub1 reporting">{c.trackSub1 ? 'On' : 'Off'}</Row>
            {isAdmin ? (
              <Row label="Negative margin">
                <NegativeMarginControl campaign={c} onChanged={onChanged} />
              </Row>
            ) : (
              c.allowNegativeMargin && (
                <Row label="Negative margin">
                  <span className="font-medium text-amber-800">Allowed by an admin: payouts may exceed revenue</span>
                </Row>
              )
            )}
          </dl>
        </CardBody>
      </Card>
      <Overrides campaign={c} onChanged={onChanged} />
    </div>
  );
}

const OTHER_AFFILIATE = '__other__';
function Overrides({ campaign, onChanged }: { campaign: Campaign; onChanged(c: Campaign): void }) {
  const cps = campaign.payoutModel === 'CPS';
  const picker = useCampaignAffiliates(campaign.id);
  const [choice, setChoice] = useState('');
  const [typedId, setTypedId] = useState('');
  const [amount, setAmount] = useState('');
  const [errors, setErrors] = useState<{ affiliateId?: string; amount?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { notify } = useToast();
  const editable = campaign.status !== 'archived';
  const margin = overrideMargin(campaign, amount);
  // Without the flag from the API, warn but let its 400 decide.
  const blocked = Boolean(margin?.negative) && campaign.allowNegativeMargin === false;
  // With no affiliate to pick (none with recent traffic, or the list failed), the id field shows at once.
  const byId = choice === OTHER_AFFILIATE || (choice === '' && !picker.loading && picker.affiliates.length === 0);
  const affiliateId = byId ? typedId.trim() : choice;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: typeof errors = {};
    if (!byId && !affiliateId) errs.affiliateId = 'Choose an affiliate';
    else if (byId && !/^[0-9a-f]{24}$/.test(affiliateId)) errs.affiliateId = 'Enter the affiliate’s 24-character id';
    const parsed = cps ? parsePercentToBps(amount) : parseMoney(amount, campaign.currency);
    if (!parsed.ok) errs.amount = parsed.error;
    setErrors(errs);
    setFormError(null);
    if (errs.affiliateId || errs.amount || !parsed.ok || blocked) return;
    setBusy(true);
    try {
      const body = cps ? { payoutCents: null, payoutBps: parsed.value } : { payoutCents: parsed.value, payoutBps: null };
      const res = await campaignsApi.setOverride(campaign.id, affiliateId, body);
      onChanged(res.campaign);
      setChoice('');
      setTypedId('');
      setAmount('');
      notify('success', 'Payout override saved');
    } catch (err) {
      const apiErr = asApiError(err);
      setErrors({ affiliateId: apiErr.fieldErrors.affiliateId, amount: apiErr.fieldErrors.payoutCents ?? apiErr.fieldErrors.payoutBps });
      setFormError(apiErr.message);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (o: Override) => {
    try {
      const res = await campaignsApi.removeOverride(campaign.id, o.affiliateId);
      onChanged(res.campaign);
      notify('success', 'Override removed');
    } catch (err) {
      notify('error', asApiError(err).message);
    }
  };

  const columns: Column<Override>[] = [
    {
      id: 'aff',
      header: 'Affiliate',
      cell: (o) => (
        <>
          {picker.names.get(o.affiliateId) && <span className="mr-2">{picker.names.get(o.affiliateId)}</span>}
          <span className="font-mono text-xs text-slate-600">{o.affiliateId}</span>
        </>
      ),
      sortValue: (o) => picker.names.get(o.affiliateId) ?? o.affiliateId,
    },
    { id: 'payout', header: 'Payout', align: 'right', cell: (o) => <PayoutTerm model={campaign.payoutModel} cents={o.payoutCents} bps={o.payoutBps} currency={campaign.currency} /> },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      align: 'right',
      cell: (o) =>
        editable ? (
          <Button size="sm" variant="ghost" onClick={() => void remove(o)} aria-label={`Remove override for ${o.affiliateId}`}>
            Remove
          </Button>
        ) : null,
    },
  ];

  return (
    <Card>
      <CardHeader title="Payout overrides" description="Pay individual affiliates differently from the default payout." />
      <DataTable caption="Payout overrides" columns={columns} rows={campaign.overrides} rowKey={(o) => o.affiliateId} empty={<EmptyState title="No overrides">Every affiliate earns the default payout.</EmptyState>} />
      {editable && (
        <CardBody className="border-t border-slate-100">
          <form onSubmit={submit} noValidate className="space-y-3" aria-label="Add payout override">
            <FormAlert message={formError} />
            <div className="grid grid-cols-1 gap-3 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-start">
              <div className="space-y-3">
                {(picker.loading || picker.affiliates.length > 0) && (
                  <SelectField
                    label="Affiliate"
                    value={byId ? OTHER_AFFILIATE : choice}
                    onChange={setChoice}
                    error={byId ? undefined : errors.affiliateId}
                    hint={`Affiliates with traffic on this campaign in the last ${PICKER_DAYS} days`}
                    options={[
                      { value: '', label: picker.loading ? 'Loading affiliates…' : 'Choose an affiliate' },
                      ...picker.affiliates.map((a) => ({ value: a.key, label: `${a.label} (${formatCount(a.clicks, 'click', 'clicks')})` })),
                      { value: OTHER_AFFILIATE, label: 'Another affiliate, by id…' },
                    ]}
                  />
                )}
                {byId && <TextField label="Affiliate id" value={typedId} onChange={setTypedId} error={errors.affiliateId} spellCheck={false} hint="The 24-character id from the affiliate’s account" />}
              </div>
              <TextField label={cps ? 'Share of sale' : 'Payout'} inputMode="decimal" suffix={cps ? '%' : campaign.currency} value={amount} onChange={setAmount} error={errors.amount} />
              <Button type="submit" busy={busy} disabled={blocked} className="sm:mt-6">
                Save override
              </Button>
            </div>
            <MarginNote margin={margin} model={campaign.payoutModel} currency={campaign.currency} allowed={campaign.allowNegativeMargin === true} advice="Lower this payout, or ask an admin to allow a negative margin on this campaign." />
          </form>
        </CardBody>
      )}
    </Card>
  );
}

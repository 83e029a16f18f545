import { useRef, useState, type FormEvent } from 'react';
import { campaignsApi } from '../../api/campaigns';
import type { Campaign, PayoutModel } from '../../api/types';
import { Button } from '../../components/Button';
import { Card, CardBody, CardHeader } from '../../components/Card';
import { CheckboxField, FormAlert, RadioCards, SelectField, TextAreaField, TextField } from '../../components/form/fields';
import { asApiError } from '../../api/client';
import { marginFromInput, overridesAbove, parseTerm } from '../../lib/margin';
import { COMMON_CURRENCIES, currencyDigits } from '../../lib/money';
import { DESTINATION_MACROS } from '../../lib/validation';
import { buildCampaignInput, emptyCampaignForm, formFromCampaign, previewDestination, serverErrorsToForm, termLabels, unknownMacroNote, type CampaignFormValues, type FormErrors } from './campaign-form-model';
import { MarginNote, OverridesOverNote } from './MarginNote';

const MODELS: Array<{ value: PayoutModel; label: string; description: string }> = [
  { value: 'CPA', label: 'CPA — cost per action', description: 'A fixed amount per approved sale or sign-up' },
  { value: 'CPL', label: 'CPL — cost per lead', description: 'A fixed amount per qualified lead' },
  { value: 'CPS', label: 'CPS — revenue share', description: 'A percentage of the sale amount in the postback' },
  { value: 'CPC', label: 'CPC — cost per click', description: 'A fixed amount per unique, valid click' },
];

const MACRO_HELP: Record<string, string> = {
  click_id: 'Offerly’s click id — send it back in the postback',
  aff_id: 'The affiliate’s id',
  campaign_id: 'This campaign’s id',
  link_id: 'The tracking link’s id',
  sub1: 'Affiliate sub ID 1 (sub2–sub5 alike)',
};

/**
 * What the typed terms mean for the margin guard. Blocked only when the API would refuse for sure:
 * a new campaign can never carry allowNegativeMargin, an edited one says whether an admin set it.
 */
function marginGuard(values: CampaignFormValues, campaign?: Campaign) {
  const margin = marginFromInput(values.payoutModel, values.currency, values.revenue, values.payout);
  const revenue = parseTerm(values.payoutModel, values.currency, values.revenue);
  // The API checks every saved override against the edited revenue, so lowering it can break them.
  const overridesOver = revenue === null || !campaign ? [] : overridesAbove(campaign.overrides, values.payoutModel, revenue);
  const allowed = campaign?.allowNegativeMargin === true;
  // An API that does not send the flag: warn, but let its 400 decide rather than block what it might allow.
  const unknown = campaign !== undefined && typeof campaign.allowNegativeMargin !== 'boolean';
  const negative = Boolean(margin?.negative) || overridesOver.length > 0;
  return { margin, overridesOver, allowed, blocked: negative && !allowed && !unknown };
}

/** Create or edit a campaign. Validates like the API, then shows the API's own field errors if any. */
/** `advertiserId`: the advertiser an admin creates the campaign for (admins only; advertisers create their own). */
export function CampaignForm({ campaign, advertiserId, onSaved, onCancel }: { campaign?: Campaign; advertiserId?: string | undefined; onSaved(c: Campaign): void; onCancel(): void }) {
  const [values, setValues] = useState<CampaignFormValues>(() => (campaign ? formFromCampaign(campaign) : emptyCampaignForm()));
  const [errors, setErrors] = useState<FormErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const destRef = useRef<HTMLInputElement>(null);
  const guard = marginGuard(values, campaign);

  const set = <K extends keyof CampaignFormValues>(key: K, value: CampaignFormValues[K]) => {
    const next = { ...values, [key]: value };
    // Switching between amounts and percentages: the old numbers mean something else now.
    if (key === 'payoutModel' && (values.payoutModel === 'CPS') !== (value === 'CPS')) {
      next.revenue = '';
      next.payout = '';
    }
    setValues(next);
    if (submitted) {
      const r = buildCampaignInput(next);
      setErrors(r.ok ? {} : r.errors);
    }
  };

  const insertMacro = (macro: string) => {
    const el = destRef.current;
    const token = `{${macro}}`;
    const v = values.destinationUrl;
    const start = el?.selectionStart ?? v.length;
    const end = el?.selectionEnd ?? v.length;
    set('destinationUrl', v.slice(0, start) + token + v.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setFormError(null);
    // The submit button is disabled too; this covers Enter in a field.
    if (guard.blocked) return;
    const built = buildCampaignInput(values);
    if (!built.ok) {
      setErrors(built.errors);
      setFormError('Please fix the highlighted fields.');
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const res = campaign ? await campaignsApi.update(campaign.id, built.input) : await campaignsApi.create(advertiserId ? { ...built.input, advertiserId } : built.input);
      onSaved(res.campaign);
    } catch (err) {
      const apiErr = asApiError(err);
      const mapped = serverErrorsToForm(apiErr.fieldErrors);
      setErrors(mapped.errors);
      setFormError([apiErr.message, ...mapped.unmatched].join(' — '));
      setBusy(false);
    }
  };

  const labels = termLabels(values.payoutModel);
  const digits = currencyDigits(values.currency);
  const amountHint = digits === 0 ? `Whole ${values.currency}, e.g. 1500` : `In ${values.currency}, e.g. ${(12.5).toFixed(digits)}`;
  const currencies = COMMON_CURRENCIES.includes(values.currency) ? COMMON_CURRENCIES : [values.currency, ...COMMON_CURRENCIES];

  return (
    <form onSubmit={submit} noValidate className="space-y-6" aria-label={campaign ? 'Edit campaign' : 'New campaign'}>
      <FormAlert message={formError} />

      <Card>
        <CardHeader title="Basics" description="What affiliates see in the offer list." />
        <CardBody className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <TextField label="Campaign name" value={values.name} onChange={(v) => set('name', v)} error={errors.name} required maxLength={120} className="sm:col-span-2" />
          <TextAreaField label="Description" value={values.description} onChange={(v) => set('description', v)} error={errors.description} rows={3} className="sm:col-span-2" hint="Optional: traffic rules, restrictions, creatives." />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Payout" description="Revenue is what you pay the network; payout is what the affiliate earns." />
        <CardBody className="space-y-4">
          <RadioCards legend="Payout model" name="payoutModel" value={values.payoutModel} onChange={(v) => set('payoutModel', v)} options={MODELS} error={errors.payoutModel} />
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
            <SelectField
              label="Currency"
              value={values.currency}
              onChange={(v) => set('currency', v)}
              error={errors.currency}
              options={currencies.map((c) => ({ value: c, label: c }))}
              hint={campaign ? 'Fixed once the campaign has conversions' : undefined}
            />
            <TextField
              label={labels.revenue}
              inputMode="decimal"
              value={values.revenue}
              onChange={(v) => set('revenue', v)}
              error={errors.revenue}
              required
              suffix={labels.unit === 'percent' ? '%' : values.currency}
              hint={labels.unit === 'percent' ? 'e.g. 12.5' : amountHint}
            />
            <TextField
              label={labels.payout}
              inputMode="decimal"
              value={values.payout}
              onChange={(v) => set('payout', v)}
              error={errors.payout}
              required
              suffix={labels.unit === 'percent' ? '%' : values.currency}
              hint={labels.unit === 'percent' ? 'e.g. 10' : amountHint}
            />
          </div>
          <MarginNote
            margin={guard.margin}
            model={values.payoutModel}
            currency={values.currency}
            allowed={guard.allowed}
            advice={campaign ? 'Lower the payout, or ask an admin to allow a negative margin on this campaign.' : 'Lower the payout; an admin can allow a negative margin once the campaign exists.'}
          />
          <OverridesOverNote affiliateIds={guard.overridesOver} allowed={guard.allowed} />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Destination" description="Where clicks land. Macros are replaced for every click." />
        <CardBody className="space-y-4">
          <TextField
            ref={destRef}
            label="Destination URL"
            type="url"
            placeholder="https://shop.example.com/landing?click={click_id}&src={sub1}"
            value={values.destinationUrl}
            onChange={(v) => set('destinationUrl', v)}
            error={errors.destinationUrl}
            hint={unknownMacroNote(values.destinationUrl)}
            required
            spellCheck={false}
          />
          <div className="rounded-lg bg-slate-50 p-3">
            <p className="text-xs font-medium text-slate-700" id="macro-help">
              Insert a macro at the cursor:
            </p>
            <div className="mt-2 flex flex-wrap gap-1.5" role="group" aria-labelledby="macro-help">
              {DESTINATION_MACROS.map((m) => (
                <button
                  key={m}
                  type="button"
                  onClick={() => insertMacro(m)}
                  title={MACRO_HELP[m] ?? (m.startsWith('sub') ? `Affiliate sub ID ${m.slice(3)}` : m)}
                  className="rounded-md bg-white px-2 py-1 font-mono text-xs text-indigo-700 ring-1 ring-slate-300 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
                >
                  {`{${m}}`}
                </button>
              ))}
            </div>
            <dl className="mt-3 grid grid-cols-1 gap-x-4 gap-y-1 text-xs text-slate-600 sm:grid-cols-2">
              {Object.entries(MACRO_HELP).map(([k, v]) => (
                <div key={k} className="flex gap-2">
                  <dt className="font-mono text-slate-800">{`{${k}}`}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
            {values.destinationUrl.trim() && !errors.destinationUrl && (
              <p className="mt-3 text-xs break-all text-slate-600">
                Example redirect: <span className="font-mono text-slate-800">{previewDestination(values.destinationUrl.trim())}</span>
              </p>
            )}
          </div>
          <TextField
            label="Fallback URL"
            type="url"
            placeholder="https://shop.example.com/"
            value={values.fallbackUrl}
            onChange={(v) => set('fallbackUrl', v)}
            error={errors.fallbackUrl}
            hint="Optional: where clicks go when the campaign is paused, capped or out of budget."
          />
          <CheckboxField label="Allow deep links" hint="Affiliates may send visitors to other pages of your site (same domain only)." checked={values.allowDeepLink} onChange={(v) => set('allowDeepLink', v)} />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Caps and budget" description="Leave empty for no limit. When a cap is reached clicks go to the fallback URL." />
        <CardBody className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <TextField label="Daily conversion cap" inputMode="numeric" value={values.dailyConversions} onChange={(v) => set('dailyConversions', v)} error={errors.dailyConversions} />
          <TextField label="Total conversion cap" inputMode="numeric" value={values.totalConversions} onChange={(v) => set('totalConversions', v)} error={errors.totalConversions} />
          <TextField label="Daily budget" inputMode="decimal" suffix={values.currency} value={values.dailyBudget} onChange={(v) => set('dailyBudget', v)} error={errors.dailyBudget} />
          <TextField label="Total budget" inputMode="decimal" suffix={values.currency} value={values.totalBudget} onChange={(v) => set('totalBudget', v)} error={errors.totalBudget} />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Attribution and approval" />
        <CardBody className="space-y-4">
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <TextField label="Attribution window" inputMode="numeric" suffix="days" value={values.attributionWindowDays} onChange={(v) => set('attributionWindowDays', v)} error={errors.attributionWindowDays} required hint="A conversion counts if it happens within this many days of the click (1–365)." />
            <TextField label="Minimum click-to-conversion time" inputMode="numeric" suffix="sec" value={values.minClickToConversionSeconds} onChange={(v) => set('minClickToConversionSeconds', v)} error={errors.minClickToConversionSeconds} hint="Faster conversions are flagged as suspected fraud." />
          </div>
          <RadioCards
            legend="Approval mode"
            name="approvalMode"
            value={values.approvalMode}
            onChange={(v) => set('approvalMode', v)}
            error={errors.approvalMode}
            options={[
              { value: 'auto', label: 'Automatic', description: 'Attributed conversions are approved at once' },
              { value: 'manual', label: 'Manual review', description: 'Conversions wait as pending until you approve or reject them' },
            ]}
          />
          {values.approvalMode === 'manual' && (
            <TextField label="Auto-approve pending conversions after" inputMode="numeric" suffix="days" value={values.autoApproveAfterDays} onChange={(v) => set('autoApproveAfterDays', v)} error={errors.autoApproveAfterDays} hint="Optional: leave empty to keep them pending until reviewed." className="sm:max-w-xs" />
          )}
          <CheckboxField label="One conversion per click" hint="Further postbacks for the same click are rejected as duplicates." checked={values.oneConversionPerClick} onChange={(v) => set('oneConversionPerClick', v)} />
          <CheckboxField label="Report by sub1" hint="Keep per-sub1 statistics for this campaign." checked={values.trackSub1} onChange={(v) => set('trackSub1', v)} />
        </CardBody>
      </Card>

      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" busy={busy} disabled={guard.blocked}>
          {campaign ? 'Save changes' : 'Create campaign'}
        </Button>
      </div>
    </form>
  );
}

import type { ApprovalMode, Campaign, CampaignInput, PayoutModel } from '../../api/types';
import { bpsToPercent, centsToDecimal, parseMoney, parsePercentToBps } from '../../lib/money';
import { DESTINATION_MACROS, isHttpUrl, isUrlTemplate, MACRO_IN_ORIGIN_MESSAGE, macroInOrigin, unknownMacros, type Errors } from '../../lib/validation';

/** What the form edits: every number as the text the user typed. */
export interface CampaignFormValues {
  name: string;
  description: string;
  destinationUrl: string;
  fallbackUrl: string;
  allowDeepLink: boolean;
  currency: string;
  payoutModel: PayoutModel;
  /** Decimal amount for CPA/CPL/CPC, percent of the sale for CPS. */
  revenue: string;
  payout: string;
  dailyConversions: string;
  totalConversions: string;
  dailyBudget: string;
  totalBudget: string;
  attributionWindowDays: string;
  approvalMode: ApprovalMode;
  autoApproveAfterDays: string;
  minClickToConversionSeconds: string;
  oneConversionPerClick: boolean;
  trackSub1: boolean;
}

export type FormField = keyof CampaignFormValues;
export type FormErrors = Errors<FormField>;

export const emptyCampaignForm = (): CampaignFormValues => ({
  name: '',
  description: '',
  destinationUrl: '',
  fallbackUrl: '',
  allowDeepLink: false,
  currency: 'USD',
  payoutModel: 'CPA',
  revenue: '',
  payout: '',
  dailyConversions: '',
  totalConversions: '',
  dailyBudget: '',
  totalBudget: '',
  attributionWindowDays: '30',
  approvalMode: 'auto',
  autoApproveAfterDays: '',
  minClickToConversionSeconds: '0',
  oneConversionPerClick: true,
  trackSub1: false,
});

const str = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

export function formFromCampaign(c: Campaign): CampaignFormValues {
  const cps = c.payoutModel === 'CPS';
  const amount = (cents: number | null) => (cents === null ? '' : centsToDecimal(cents, c.currency));
  return {
    name: c.name,
    description: c.description,
    destinationUrl: c.destinationUrl,
    fallbackUrl: c.fallbackUrl ?? '',
    allowDeepLink: c.allowDeepLink,
    currency: c.currency,
    payoutModel: c.payoutModel,
    revenue: cps ? (c.revenueBps === null ? '' : bpsToPercent(c.revenueBps)) : amount(c.revenueCents),
    payout: cps ? (c.payoutBps === null ? '' : bpsToPercent(c.payoutBps)) : amount(c.payoutCents),
    dailyConversions: str(c.caps.dailyConversions),
    totalConversions: str(c.caps.totalConversions),
    dailyBudget: amount(c.caps.dailyBudgetCents),
    totalBudget: amount(c.caps.totalBudgetCents),
    attributionWindowDays: String(c.attributionWindowDays),
    approvalMode: c.approvalMode,
    autoApproveAfterDays: str(c.autoApproveAfterDays),
    minClickToConversionSeconds: String(c.minClickToConversionSeconds),
    oneConversionPerClick: c.oneConversionPerClick,
    trackSub1: c.trackSub1,
  };
}

/** Labels of the two money fields, per payout model. */
export function termLabels(model: PayoutModel): { revenue: string; payout: string; unit: 'amount' | 'percent' } {
  switch (model) {
    case 'CPA':
      return { revenue: 'Revenue per action', payout: 'Payout per action', unit: 'amount' };
    case 'CPL':
      return { revenue: 'Revenue per lead', payout: 'Payout per lead', unit: 'amount' };
    case 'CPS':
      return { revenue: 'Revenue share (% of sale)', payout: 'Affiliate share (% of sale)', unit: 'percent' };
    case 'CPC':
      return { revenue: 'Revenue per unique click', payout: 'Payout per unique click', unit: 'amount' };
  }
}

function parseIntIn(s: string, min: number, max: number, label: string): { value: number | null; error?: string } {
  const t = s.trim();
  if (t === '') return { value: null };
  if (!/^\d+$/.test(t)) return { value: null, error: `${label} must be a whole number` };
  const n = Number(t);
  if (n < min || n > max) return { value: null, error: `${label} must be between ${min} and ${max.toLocaleString('en-US')}` };
  return { value: n };
}

export type BuildResult = { ok: true; input: CampaignInput } | { ok: false; errors: FormErrors };

/** Validates the form like the API does and converts it: decimals → cents, percent → basis points. */
export function buildCampaignInput(v: CampaignFormValues): BuildResult {
  const errors: FormErrors = {};
  const name = v.name.trim();
  if (!name) errors.name = 'Give the campaign a name';
  else if (name.length > 120) errors.name = 'At most 120 characters';
  if (v.description.trim().length > 2000) errors.description = 'At most 2000 characters';

  const dest = v.destinationUrl.trim();
  if (!dest) errors.destinationUrl = 'Enter the landing page URL';
  else if (dest.length > 2048) errors.destinationUrl = 'At most 2048 characters';
  else if (macroInOrigin(dest)) errors.destinationUrl = MACRO_IN_ORIGIN_MESSAGE;
  else if (!isUrlTemplate(dest, DESTINATION_MACROS)) errors.destinationUrl = 'Must be an absolute http(s) URL, e.g. https://shop.example.com/?click={click_id}';

  const fallback = v.fallbackUrl.trim();
  if (fallback && !isHttpUrl(fallback)) errors.fallbackUrl = 'Must be an absolute http(s) URL';

  const cps = v.payoutModel === 'CPS';
  let revenueCents: number | null = null;
  let payoutCents: number | null = null;
  let revenueBps: number | null = null;
  let payoutBps: number | null = null;
  const labels = termLabels(v.payoutModel);
  for (const field of ['revenue', 'payout'] as const) {
    const text = v[field];
    if (!text.trim()) {
      errors[field] = `${labels[field]} is required for ${v.payoutModel}`;
      continue;
    }
    const parsed = cps ? parsePercentToBps(text) : parseMoney(text, v.currency);
    if (!parsed.ok) {
      errors[field] = parsed.error;
      continue;
    }
    if (cps) {
      if (field === 'revenue') revenueBps = parsed.value;
      else payoutBps = parsed.value;
    } else if (field === 'revenue') revenueCents = parsed.value;
    else payoutCents = parsed.value;
  }

  const capCount = (field: 'dailyConversions' | 'totalConversions', label: string) => {
    const r = parseIntIn(v[field], 1, 1_000_000_000, label);
    if (r.error) errors[field] = r.error;
    return r.value;
  };
  const capMoney = (field: 'dailyBudget' | 'totalBudget') => {
    if (!v[field].trim()) return null;
    const r = parseMoney(v[field], v.currency);
    if (!r.ok) {
      errors[field] = r.error;
      return null;
    }
    return r.value;
  };
  const caps = {
    dailyConversions: capCount('dailyConversions', 'Daily cap'),
    totalConversions: capCount('totalConversions', 'Total cap'),
    dailyBudgetCents: capMoney('dailyBudget'),
    totalBudgetCents: capMoney('totalBudget'),
  };
  if (caps.dailyConversions !== null && caps.totalConversions !== null && caps.dailyConversions > caps.totalConversions) {
    errors.dailyConversions = 'The daily cap cannot exceed the total cap';
  }
  if (caps.dailyBudgetCents !== null && caps.totalBudgetCents !== null && caps.dailyBudgetCents > caps.totalBudgetCents) {
    errors.dailyBudget = 'The daily budget cannot exceed the total budget';
  }

  const window = parseIntIn(v.attributionWindowDays, 1, 365, 'Attribution window');
  if (window.error) errors.attributionWindowDays = window.error;
  else if (window.value === null) errors.attributionWindowDays = 'Enter the attribution window in days';
  const autoApprove = parseIntIn(v.autoApproveAfterDays, 0, 365, 'Auto-approval delay');
  if (autoApprove.error) errors.autoApproveAfterDays = autoApprove.error;
  const minSeconds = parseIntIn(v.minClickToConversionSeconds || '0', 0, 86_400, 'Minimum time');
  if (minSeconds.error) errors.minClickToConversionSeconds = minSeconds.error;

  if (Object.values(errors).some(Boolean)) return { ok: false, errors };
  return {
    ok: true,
    input: {
      name,
      description: v.description.trim(),
      destinationUrl: dest,
      fallbackUrl: fallback || null,
      allowDeepLink: v.allowDeepLink,
      currency: v.currency,
      payoutModel: v.payoutModel,
      revenueCents,
      payoutCents,
      revenueBps,
      payoutBps,
      caps,
      attributionWindowDays: window.value ?? 30,
      approvalMode: v.approvalMode,
      autoApproveAfterDays: v.approvalMode === 'manual' ? autoApprove.value : null,
      minClickToConversionSeconds: minSeconds.value ?? 0,
      oneConversionPerClick: v.oneConversionPerClick,
      trackSub1: v.trackSub1,
    },
  };
}

const SERVER_PATHS: Record<string, FormField> = {
  revenueCents: 'revenue',
  revenueBps: 'revenue',
  payoutCents: 'payout',
  payoutBps: 'payout',
  'caps.dailyConversions': 'dailyConversions',
  'caps.totalConversions': 'totalConversions',
  'caps.dailyBudgetCents': 'dailyBudget',
  'caps.totalBudgetCents': 'totalBudget',
};

/** Maps the API's `details[].path` onto form fields; the rest is shown above the form. */
export function serverErrorsToForm(fieldErrors: Record<string, string>): { errors: FormErrors; unmatched: string[] } {
  const fields = new Set<string>(Object.keys(emptyCampaignForm()));
  const errors: FormErrors = {};
  const unmatched: string[] = [];
  for (const [path, message] of Object.entries(fieldErrors)) {
    const field = SERVER_PATHS[path] ?? (fields.has(path) ? (path as FormField) : undefined);
    if (field) errors[field] ??= message.charAt(0).toUpperCase() + message.slice(1);
    else unmatched.push(`${path}: ${message}`);
  }
  return { errors, unmatched };
}

/**
 * A note on macros Offerly does not fill ({gclid} of an ad platform, or a
 * typo). The API accepts them and leaves them as written, so the form does
 * too (a campaign holding one must stay editable); it only says so.
 */
export function unknownMacroNote(template: string): string | null {
  const unknown = [...new Set(unknownMacros(template.trim(), DESTINATION_MACROS))];
  if (unknown.length === 0) return null;
  const names = unknown.map((m) => `{${m}}`).join(', ');
  return `${names} ${unknown.length === 1 ? 'is not an Offerly macro' : 'are not Offerly macros'}: sent as written, not replaced (fine for a macro your ad platform fills; check the spelling otherwise).`;
}

/** What the destination resolves to for a sample click, for the macro help. */
export function previewDestination(template: string): string {
  const sample: Record<string, string> = { click_id: 'c_8Fq2xK', aff_id: 'aff123', campaign_id: 'cmp456', link_id: 'Lk9sT2', sub1: 'facebook', sub2: 'adset-42', sub3: '', sub4: '', sub5: '' };
  return template.replace(/\{([a-z0-9_]+)\}/gi, (whole, n: string) => (n.toLowerCase() in sample ? encodeURIComponent(sample[n.toLowerCase()]!) : whole));
}

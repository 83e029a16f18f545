import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Campaign } from '../../api/types';
import { CampaignForm } from './CampaignForm';
import { buildCampaignInput, emptyCampaignForm, formFromCampaign, serverErrorsToForm } from './campaign-form-model';

type Reply = { status: number; body: unknown };
let replies: Reply[];
let requests: Array<{ url: string; method: string; body: any; headers: Record<string, string> }>;

beforeEach(() => {
  replies = [];
  requests = [];
  document.cookie = 'offerly_csrf=csrf-token-1';
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      requests.push({ url, method: String(init.method), body: init.body ? JSON.parse(String(init.body)) : undefined, headers: init.headers as Record<string, string> });
      const r = replies.shift() ?? { status: 201, body: { campaign: { ...sampleCampaign(), id: 'new1' } } };
      return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json' } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

function sampleCampaign(over: Partial<Campaign> = {}): Campaign {
  return {
    id: 'c1',
    advertiserId: 'a1',
    advertiserName: 'Acme',
    name: 'Summer Sale',
    description: '',
    status: 'active',
    destinationUrl: 'https://shop.example.com/?cid={click_id}',
    fallbackUrl: null,
    allowDeepLink: false,
    currency: 'USD',
    payoutModel: 'CPA',
    revenueCents: 1050,
    payoutCents: 700,
    revenueBps: null,
    payoutBps: null,
    caps: { dailyConversions: null, totalConversions: 500, dailyBudgetCents: 25000, totalBudgetCents: null },
    attributionWindowDays: 30,
    approvalMode: 'auto',
    autoApproveAfterDays: null,
    minClickToConversionSeconds: 0,
    oneConversionPerClick: true,
    trackSub1: false,
    overrides: [],
    allowNegativeMargin: false,
    postbackSecret: 's',
    previousSecretValidUntil: null,
    postbackAllowedIps: [],
    history: [],
    postbackUrl: 'http://x/api/track/postback?click_id={click_id}&txn_id={txn_id}&token=s',
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...over,
  };
}

function setup(campaign?: Campaign) {
  const onSaved = vi.fn();
  const user = userEvent.setup();
  render(<CampaignForm campaign={campaign} onSaved={onSaved} onCancel={() => {}} />);
  return { user, onSaved };
}

/** By accessible name, as a screen reader announces it (the required-field star is aria-hidden). */
const field = (name: string | RegExp) => screen.queryByRole('textbox', { name }) ?? screen.getByRole('combobox', { name });

describe('campaign form', () => {
  it('validates before sending: required fields per payout model, URLs and macros', async () => {
    const { user } = setup();
    await user.click(screen.getByRole('button', { name: 'Create campaign' }));
    expect(screen.getByText('Give the campaign a name')).toBeInTheDocument();
    expect(screen.getByText('Enter the landing page URL')).toBeInTheDocument();
    expect(screen.getByText('Revenue per action is required for CPA')).toBeInTheDocument();
    expect(screen.getByText('Payout per action is required for CPA')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('Please fix the highlighted fields.');
    expect(field('Campaign name')).toHaveAttribute('aria-invalid', 'true');
    expect(field('Campaign name')).toHaveAccessibleDescription('Give the campaign a name');

    await user.type(field('Destination URL'), 'shop.example.com');
    expect(screen.getByText(/Must be an absolute http\(s\) URL/)).toBeInTheDocument();
    await user.clear(field('Destination URL'));
    await user.type(field('Destination URL'), 'https://shop.example.com/?c={{clickid}');
    // A macro Offerly does not fill is sent as written (the API accepts it): a note, not an error.
    expect(field('Destination URL')).toHaveAccessibleDescription(/^\{clickid\} is not an Offerly macro: sent as written/);
    expect(field('Destination URL')).not.toHaveAttribute('aria-invalid');
    await user.clear(field('Destination URL'));
    await user.type(field('Destination URL'), 'https://{{sub1}.example.com/');
    expect(field('Destination URL')).toHaveAccessibleDescription(/Macros work only in the path and query/);
    await user.type(field('Fallback URL'), 'ftp://files.example.com');
    expect(screen.getAllByText('Must be an absolute http(s) URL').length).toBeGreaterThan(0);
    await user.type(field('Daily conversion cap'), '1.5');
    expect(screen.getByText('Daily cap must be a whole number')).toBeInTheDocument();
    expect(requests).toHaveLength(0);
  });

  it('sends amounts as integer cents (CPA), with the CSRF header', async () => {
    const { user, onSaved } = setup();
    await user.type(field('Campaign name'), '  Summer Sale  ');
    await user.type(field('Revenue per action'), '10.50');
    await user.type(field('Payout per action'), '7.25');
    await user.type(field('Destination URL'), 'https://shop.example.com/?c={{click_id}&s={{sub1}');
    await user.type(field('Daily conversion cap'), '50');
    await user.type(field('Daily budget'), '100');
    await user.type(field('Total budget'), '2500.5');
    await user.click(screen.getByRole('button', { name: 'Create campaign' }));

    expect(requests).toHaveLength(1);
    const r = requests[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/api/campaigns');
    expect(r.headers['X-CSRF-Token']).toBe('csrf-token-1');
    expect(r.body).toMatchObject({
      name: 'Summer Sale',
      payoutModel: 'CPA',
      currency: 'USD',
      revenueCents: 1050,
      payoutCents: 725,
      revenueBps: null,
      payoutBps: null,
      destinationUrl: 'https://shop.example.com/?c={click_id}&s={sub1}',
      fallbackUrl: null,
      caps: { dailyConversions: 50, totalConversions: null, dailyBudgetCents: 10000, totalBudgetCents: 250050 },
      attributionWindowDays: 30,
      approvalMode: 'auto',
      autoApproveAfterDays: null,
    });
    expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ id: 'new1' }));
  });

  it('takes CPS shares as percent and sends basis points; switching model clears the numbers', async () => {
    const { user } = setup();
    await user.type(field('Revenue per action'), '10.50');
    await user.click(screen.getByRole('radio', { name: /CPS — revenue share/ }));
    expect(field('Revenue share (% of sale)')).toHaveValue('');
    await user.type(field('Campaign name'), 'Rev share');
    await user.type(field('Destination URL'), 'https://shop.example.com/');
    await user.type(field('Revenue share (% of sale)'), '12.5');
    await user.type(field('Affiliate share (% of sale)'), '100.5');
    await user.click(screen.getByRole('button', { name: 'Create campaign' }));
    expect(screen.getByText('Cannot exceed 100 %')).toBeInTheDocument();
    await user.clear(field('Affiliate share (% of sale)'));
    await user.type(field('Affiliate share (% of sale)'), '10');
    await user.click(screen.getByRole('button', { name: 'Create campaign' }));
    expect(requests[0]!.body).toMatchObject({ payoutModel: 'CPS', revenueBps: 1250, payoutBps: 1000, revenueCents: null, payoutCents: null });
  });

  it('uses the currency’s minor units: JPY has none', async () => {
    const { user } = setup();
    await user.selectOptions(field('Currency'), 'JPY');
    await user.type(field('Revenue per action'), '1500.5');
    await user.type(field('Payout per action'), '1000');
    await user.click(screen.getByRole('button', { name: 'Create campaign' }));
    expect(screen.getByText('JPY has no decimals; enter a whole number')).toBeInTheDocument();
    const built = buildCampaignInput({ ...emptyCampaignForm(), name: 'Yen', destinationUrl: 'https://a.example/', currency: 'JPY', revenue: '1500', payout: '1000' });
    expect(built.ok && built.input).toMatchObject({ revenueCents: 1500, payoutCents: 1000, currency: 'JPY' });
  });

  it('refuses a macro in the destination’s host, as the API does, and keeps macros in the path and query', () => {
    const form = { ...emptyCampaignForm(), name: 'Hosts', revenue: '10', payout: '7' };
    for (const destinationUrl of ['https://{sub1}/landing', 'https://shop.example.com:{sub1}/', 'https://{sub1}@shop.example.com/']) {
      const built = buildCampaignInput({ ...form, destinationUrl });
      expect(built.ok ? null : built.errors.destinationUrl, destinationUrl).toMatch(/never in the host/);
    }
    expect(buildCampaignInput({ ...form, destinationUrl: 'https://shop.example.com/{sub1}?c={click_id}' }).ok).toBe(true);
  });

  it('shows the server’s field errors next to the fields and the rest above the form', async () => {
    replies.push({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'Invalid request body',
          details: [
            { path: 'destinationUrl', message: 'must be an absolute http(s) URL; macros such as {click_id} and {sub1} are allowed' },
            { path: 'caps.dailyBudgetCents', message: 'Too big: expected number to be <=100000000000' },
            { path: 'overrides', message: 'unexpected' },
          ],
        },
      },
    });
    const { user, onSaved } = setup();
    await user.type(field('Campaign name'), 'X');
    await user.type(field('Revenue per action'), '1');
    await user.type(field('Payout per action'), '1');
    await user.type(field('Destination URL'), 'https://shop.example.com/');
    await user.click(screen.getByRole('button', { name: 'Create campaign' }));

    expect(await screen.findByText('Must be an absolute http(s) URL; macros such as {click_id} and {sub1} are allowed')).toBeInTheDocument();
    expect(field('Destination URL')).toHaveAttribute('aria-invalid', 'true');
    expect(field('Daily budget')).toHaveAccessibleDescription('Too big: expected number to be <=100000000000');
    expect(screen.getByRole('alert')).toHaveTextContent('Invalid request body — overrides: unexpected');
    expect(onSaved).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Create campaign' })).toBeEnabled();
  });

  it('edits an existing campaign: numbers shown as decimals, saved with PATCH', async () => {
    replies.push({ status: 200, body: { campaign: sampleCampaign({ payoutCents: 800 }) } });
    const { user, onSaved } = setup(sampleCampaign());
    expect(field('Revenue per action')).toHaveValue('10.50');
    expect(field('Payout per action')).toHaveValue('7.00');
    expect(field('Daily budget')).toHaveValue('250.00');
    expect(field('Total conversion cap')).toHaveValue('500');
    await user.clear(field('Payout per action'));
    await user.type(field('Payout per action'), '8');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(requests[0]).toMatchObject({ method: 'PATCH', url: '/api/campaigns/c1' });
    expect(requests[0]!.body).toMatchObject({ payoutCents: 800, revenueCents: 1050, caps: { totalConversions: 500, dailyBudgetCents: 25000, dailyConversions: null, totalBudgetCents: null } });
    expect(onSaved).toHaveBeenCalled();
  });

  it('renames a campaign whose destination has a macro Offerly does not know ({gclid}, accepted by the API)', async () => {
    const destinationUrl = 'https://shop.example.com/?cid={click_id}&gclid={gclid}';
    replies.push({ status: 200, body: { campaign: sampleCampaign({ name: 'Winter Sale', destinationUrl }) } });
    const { user, onSaved } = setup(sampleCampaign({ destinationUrl }));
    expect(field('Destination URL')).toHaveAccessibleDescription(/^\{gclid\} is not an Offerly macro/);
    await user.clear(field('Campaign name'));
    await user.type(field('Campaign name'), 'Winter Sale');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'PATCH', url: '/api/campaigns/c1' });
    expect(requests[0]!.body).toMatchObject({ name: 'Winter Sale', destinationUrl });
    expect(onSaved).toHaveBeenCalled();
  });

  it('shows the margin as you type; a payout above revenue warns and disables submit', async () => {
    const { user } = setup();
    await user.type(field('Revenue per action'), '10.50');
    await user.type(field('Payout per action'), '12');
    expect(screen.getByText(/Affiliates would be paid more than the advertiser pays/)).toBeInTheDocument();
    expect(screen.getByText('-$1.50')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create campaign' })).toBeDisabled();

    await user.clear(field('Payout per action'));
    await user.type(field('Payout per action'), '7.25');
    expect(screen.queryByText(/Affiliates would be paid more/)).toBeNull();
    expect(screen.getByText('$3.25')).toBeInTheDocument();
    expect(screen.getByText(/per action/, { selector: 'p' })).toHaveTextContent('Margin: $3.25 per action');
    expect(screen.getByRole('button', { name: 'Create campaign' })).toBeEnabled();
    expect(requests).toHaveLength(0);
  });

  it('shows CPS margins in percentage points', async () => {
    const { user } = setup();
    await user.click(screen.getByRole('radio', { name: /CPS — revenue share/ }));
    await user.type(field('Revenue share (% of sale)'), '10');
    await user.type(field('Affiliate share (% of sale)'), '12.5');
    expect(screen.getByText('-2.5 percentage points')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create campaign' })).toBeDisabled();
  });

  it('edits a campaign an admin allowed a negative margin on: warns, but saves', async () => {
    replies.push({ status: 200, body: { campaign: sampleCampaign({ payoutCents: 1200, allowNegativeMargin: true }) } });
    const { user, onSaved } = setup(sampleCampaign({ allowNegativeMargin: true }));
    await user.clear(field('Payout per action'));
    await user.type(field('Payout per action'), '12');
    expect(screen.getByText(/An admin has allowed a negative margin on this campaign/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(requests[0]!.body).toMatchObject({ payoutCents: 1200, revenueCents: 1050 });
    expect(onSaved).toHaveBeenCalled();
  });

  it('warns when the edited revenue falls below a saved override, which the API would refuse', async () => {
    const { user } = setup(sampleCampaign({ overrides: [{ affiliateId: 'aff9', payoutCents: 900, payoutBps: null }] }));
    await user.clear(field('Revenue per action'));
    await user.type(field('Revenue per action'), '8');
    expect(screen.getByText('aff9')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeDisabled();
  });

  it('does not block when the API sends no allowNegativeMargin: its 400 decides', async () => {
    const { allowNegativeMargin: _omitted, ...older } = sampleCampaign();
    const { user } = setup(older as Campaign);
    await user.clear(field('Payout per action'));
    await user.type(field('Payout per action'), '12');
    expect(screen.getByText(/Affiliates would be paid more than the advertiser pays/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeEnabled();
  });

  it('maps API paths onto form fields', () => {
    expect(serverErrorsToForm({ payoutBps: 'required for the CPS payout model', 'caps.totalConversions': 'too small', name: 'empty', 'x.y': 'odd' })).toEqual({
      errors: { payout: 'Required for the CPS payout model', totalConversions: 'Too small', name: 'Empty' },
      unmatched: ['x.y: odd'],
    });
    expect(formFromCampaign(sampleCampaign({ payoutModel: 'CPS', revenueBps: 1250, payoutBps: 1000, revenueCents: null, payoutCents: null }))).toMatchObject({ revenue: '12.5', payout: '10' });
  });
});

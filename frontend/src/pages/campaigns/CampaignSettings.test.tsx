import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Campaign } from '../../api/types';
import { ToastProvider } from '../../context/ToastContext';
import { CampaignSettings } from './CampaignSettings';

type Reply = { status: number; body: unknown };
let reply: (body: any) => Reply;
let requests: Array<{ method: string; url: string; body: unknown }>;

const AFF = 'aaaaaaaaaaaaaaaaaaaaaaaa';

const campaign = (over: Partial<Campaign> = {}): Campaign =>
  ({
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
    caps: { dailyConversions: null, totalConversions: null, dailyBudgetCents: null, totalBudgetCents: null },
    attributionWindowDays: 30,
    approvalMode: 'auto',
    autoApproveAfterDays: null,
    minClickToConversionSeconds: 0,
    oneConversionPerClick: true,
    trackSub1: false,
    overrides: [],
    allowNegativeMargin: false,
    postbackSecret: 's',
    postbackUrl: 'http://x/api/track/postback?click_id={click_id}&txn_id={txn_id}&token=s',
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
    ...over,
  }) as Campaign;

let trafficByAffiliate: Array<{ key: string; label: string; clicks: number }>;
let reportQueries: string[];

/** A fresh query cache per test, as the dashboard's QueryProvider gives each page. */
const withQueries = (ui: ReactNode) => <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>{ui}</QueryClientProvider>;

beforeEach(() => {
  requests = [];
  trafficByAffiliate = [];
  reportQueries = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      if (url.startsWith('/api/analytics/campaign/')) {
        // The override form's affiliate picker reads the campaign's report by affiliate.
        reportQueries.push(url);
        return new Response(JSON.stringify({ breakdown: trafficByAffiliate }), { status: 200, headers: { 'content-type': 'application/json' } });
      }
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      requests.push({ method: String(init.method), url, body });
      const r = reply(body);
      return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json' } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

function renderSettings(c: Campaign, isAdmin = false) {
  const onChanged = vi.fn();
  render(
    withQueries(
      <MemoryRouter>
        <ToastProvider>
          <CampaignSettings campaign={c} onChanged={onChanged} isAdmin={isAdmin} />
        </ToastProvider>
      </MemoryRouter>,
    ),
  );
  const form = screen.getByRole('form', { name: 'Add payout override' });
  return { onChanged, form, affiliate: () => within(form).findByRole('textbox', { name: 'Affiliate id' }) };
}

describe('payout override form', () => {
  it('checks the affiliate id and the amount in the campaign’s currency before sending', async () => {
    const { form, affiliate: findAffiliate } = renderSettings(campaign());
    const affiliate = await findAffiliate();
    const user = userEvent.setup();
    const amount = within(form).getByRole('textbox', { name: 'Payout' });
    await user.type(affiliate, 'finn');
    await user.type(amount, '8.505');
    await user.click(within(form).getByRole('button', { name: 'Save override' }));
    expect(affiliate).toHaveAccessibleDescription('Enter the affiliate’s 24-character id');
    expect(amount).toHaveAccessibleDescription('Use at most 2 decimals for USD');
    expect(requests).toEqual([]);
  });

  it('saves a fixed payout in cents, clears the form and passes the updated campaign on', async () => {
    const updated = campaign({ overrides: [{ affiliateId: AFF, payoutCents: 850, payoutBps: null }] });
    reply = () => ({ status: 200, body: { campaign: updated } });
    const { form, affiliate: findAffiliate, onChanged } = renderSettings(campaign());
    const affiliate = await findAffiliate();
    const user = userEvent.setup();
    await user.type(affiliate, ` ${AFF} `);
    await user.type(within(form).getByRole('textbox', { name: 'Payout' }), '8.50');
    await user.click(within(form).getByRole('button', { name: 'Save override' }));
    expect(await screen.findByText('Payout override saved')).toBeInTheDocument();
    expect(requests).toEqual([{ method: 'PUT', url: `/api/campaigns/c1/overrides/${AFF}`, body: { payoutCents: 850, payoutBps: null } }]);
    expect(onChanged).toHaveBeenCalledWith(updated);
    expect(affiliate).toHaveValue('');
  });

  it('offers the affiliates with traffic on the campaign to pick from, by name, instead of asking for an id', async () => {
    const FINN = 'bbbbbbbbbbbbbbbbbbbbbbbb';
    trafficByAffiliate = [
      { key: FINN, label: 'Finn Media', clicks: 42 },
      { key: AFF, label: 'Ada Ads', clicks: 1 },
    ];
    const updated = campaign({ overrides: [{ affiliateId: FINN, payoutCents: 850, payoutBps: null }] });
    reply = () => ({ status: 200, body: { campaign: updated } });
    const { form } = renderSettings(campaign());
    const user = userEvent.setup();
    const picker = await within(form).findByRole('combobox', { name: 'Affiliate' });
    await within(picker).findByRole('option', { name: 'Finn Media (42 clicks)' });
    expect(within(picker).getAllByRole('option').map((o) => o.textContent)).toEqual(['Choose an affiliate', 'Ada Ads (1 click)', 'Finn Media (42 clicks)', 'Another affiliate, by id…']);
    expect(within(form).queryByRole('textbox', { name: 'Affiliate id' })).toBeNull();
    expect(reportQueries[0]).toMatch(/groupBy=affiliate/);

    await user.type(within(form).getByRole('textbox', { name: 'Payout' }), '8.50');
    await user.click(within(form).getByRole('button', { name: 'Save override' }));
    expect(picker).toHaveAccessibleDescription('Choose an affiliate');
    expect(requests).toEqual([]);

    await user.selectOptions(picker, 'Finn Media (42 clicks)');
    await user.click(within(form).getByRole('button', { name: 'Save override' }));
    await screen.findByText('Payout override saved');
    expect(requests).toEqual([{ method: 'PUT', url: `/api/campaigns/c1/overrides/${FINN}`, body: { payoutCents: 850, payoutBps: null } }]);

    // An affiliate without recent traffic is still reachable by id.
    await user.selectOptions(picker, 'Another affiliate, by id…');
    expect(within(form).getByRole('textbox', { name: 'Affiliate id' })).toBeInTheDocument();
  });

  it('takes a share of the sale in percent for CPS campaigns', async () => {
    reply = () => ({ status: 200, body: { campaign: campaign({ payoutModel: 'CPS' }) } });
    const { form, affiliate: findAffiliate } = renderSettings(campaign({ payoutModel: 'CPS', payoutCents: null, payoutBps: 1000, revenueCents: null, revenueBps: 1500 }));
    const affiliate = await findAffiliate();
    const user = userEvent.setup();
    await user.type(affiliate, AFF);
    const share = within(form).getByRole('textbox', { name: 'Share of sale' });
    await user.type(share, '120');
    await user.click(within(form).getByRole('button', { name: 'Save override' }));
    expect(share).toHaveAccessibleDescription('Cannot exceed 100 %');
    await user.clear(share);
    await user.type(share, '12.5');
    await user.click(within(form).getByRole('button', { name: 'Save override' }));
    await screen.findByText('Payout override saved');
    expect(requests.map((r) => r.body)).toEqual([{ payoutCents: null, payoutBps: 1250 }]);
  });

  it('shows the API’s refusal: an unknown affiliate, a field error at its field', async () => {
    const { form, affiliate: findAffiliate } = renderSettings(campaign());
    const affiliate = await findAffiliate();
    const user = userEvent.setup();
    const amount = within(form).getByRole('textbox', { name: 'Payout' });
    reply = () => ({ status: 404, body: { error: { code: 'not_found', message: 'Affiliate not found' } } });
    await user.type(affiliate, AFF);
    await user.type(amount, '8');
    await user.click(within(form).getByRole('button', { name: 'Save override' }));
    expect(await within(form).findByText('Affiliate not found')).toBeInTheDocument();
    expect(affiliate).toHaveValue(AFF);

    reply = () => ({ status: 400, body: { error: { code: 'validation_failed', message: 'Override does not fit the payout model', details: [{ path: 'payoutCents', message: 'required for CPA' }] } } });
    await user.click(within(form).getByRole('button', { name: 'Save override' }));
    expect(await within(form).findByText('Override does not fit the payout model')).toBeInTheDocument();
    expect(amount).toHaveAccessibleDescription('required for CPA');
  });

  it('warns next to an override above the campaign’s revenue and holds it back unless an admin allowed it', async () => {
    const { form, affiliate: findAffiliate } = renderSettings(campaign());
    const affiliate = await findAffiliate();
    const user = userEvent.setup();
    const amount = within(form).getByRole('textbox', { name: 'Payout' });
    await user.type(affiliate, AFF);
    await user.type(amount, '12');
    expect(within(form).getByText(/Affiliates would be paid more than the advertiser pays/)).toBeInTheDocument();
    expect(within(form).getByText('-$1.50')).toBeInTheDocument();
    expect(within(form).getByRole('button', { name: 'Save override' })).toBeDisabled();
    await user.clear(amount);
    await user.type(amount, '9');
    expect(within(form).queryByText(/Affiliates would be paid more/)).toBeNull();
    expect(within(form).getByText('$1.50')).toBeInTheDocument();
    expect(within(form).getByRole('button', { name: 'Save override' })).toBeEnabled();
    expect(requests).toEqual([]);
  });

  it('lets an override above revenue through once an admin allowed a negative margin, still warning', async () => {
    reply = () => ({ status: 200, body: { campaign: campaign({ allowNegativeMargin: true }) } });
    const { form, affiliate: findAffiliate } = renderSettings(campaign({ allowNegativeMargin: true }));
    const affiliate = await findAffiliate();
    const user = userEvent.setup();
    await user.type(affiliate, AFF);
    await user.type(within(form).getByRole('textbox', { name: 'Payout' }), '12');
    expect(within(form).getByText(/An admin has allowed a negative margin/)).toBeInTheDocument();
    await user.click(within(form).getByRole('button', { name: 'Save override' }));
    await screen.findByText('Payout override saved');
    expect(requests.map((r) => r.body)).toEqual([{ payoutCents: 1200, payoutBps: null }]);
    expect(screen.getByText('Allowed by an admin: payouts may exceed revenue')).toBeInTheDocument();
  });

  it('lists overrides with a remove button that deletes through the API', async () => {
    reply = () => ({ status: 200, body: { campaign: campaign() } });
    const user = userEvent.setup();
    const onChanged = vi.fn();
    render(
      withQueries(
        <MemoryRouter>
          <ToastProvider>
            <CampaignSettings campaign={campaign({ overrides: [{ affiliateId: AFF, payoutCents: 900, payoutBps: null }] })} onChanged={onChanged} />
          </ToastProvider>
        </MemoryRouter>,
      ),
    );
    const table = screen.getByRole('table', { name: 'Payout overrides' });
    expect(within(table).getByText('$9.00')).toBeInTheDocument();
    await user.click(within(table).getByRole('button', { name: `Remove override for ${AFF}` }));
    expect(await screen.findByText('Override removed')).toBeInTheDocument();
    expect(requests).toEqual([{ method: 'DELETE', url: `/api/campaigns/c1/overrides/${AFF}`, body: undefined }]);
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it('offers no override form on an archived campaign', () => {
    render(
      withQueries(
        <MemoryRouter>
          <ToastProvider>
            <CampaignSettings campaign={campaign({ status: 'archived' })} onChanged={() => {}} />
          </ToastProvider>
        </MemoryRouter>,
      ),
    );
    expect(screen.queryByRole('form', { name: 'Add payout override' })).toBeNull();
  });
});

describe('campaign terms', () => {
  it('says "1 day", not "1 days"', () => {
    renderSettings(campaign({ attributionWindowDays: 1, approvalMode: 'manual', autoApproveAfterDays: 1 }));
    expect(screen.getByText('1 day')).toBeInTheDocument();
    expect(screen.getByText('Manual, auto-approved after 1 day')).toBeInTheDocument();
  });
});

describe('negative margin', () => {
  it('lets an admin allow it after confirming, sending only the flag', async () => {
    const updated = campaign({ allowNegativeMargin: true });
    reply = () => ({ status: 200, body: { campaign: updated } });
    const { onChanged } = renderSettings(campaign(), true);
    const user = userEvent.setup();
    expect(screen.getByText('Not allowed: payouts may not exceed revenue')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Allow…' }));
    expect(requests).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Allow negative margin' }));
    expect(await screen.findByText('Negative margin allowed on this campaign')).toBeInTheDocument();
    expect(requests).toEqual([{ method: 'PATCH', url: '/api/campaigns/c1', body: { allowNegativeMargin: true } }]);
    expect(onChanged).toHaveBeenCalledWith(updated);
  });

  it('shows advertisers the warning only when an admin allowed it, with no control', () => {
    renderSettings(campaign({ allowNegativeMargin: true }));
    expect(screen.getByText('Allowed by an admin: payouts may exceed revenue')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Allow|Stop allowing/ })).toBeNull();
  });
});

import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { eventually, PASSWORD } from './harness';

/**
 * What a user does in the dashboard, written once and shared by the flows.
 * Locators go by role and accessible name, the way a screen reader sees the page.
 */
export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await page.waitForURL((u) => u.pathname.startsWith('/signin'));
}

export async function register(page: Page, a: { role: 'affiliate' | 'advertiser'; name: string; email: string; company?: string }): Promise<void> {
  await page.goto('/register');
  await page.getByRole('radio', { name: a.role === 'affiliate' ? /An affiliate/ : /An advertiser/ }).check();
  await page.getByLabel('Your name').fill(a.name);
  if (a.company) await page.getByLabel('Company').fill(a.company);
  await page.getByLabel('Email').fill(a.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** Waits until the page's main heading reads `title` (pages load their data first). */
export async function expectHeading(page: Page, title: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor();
}

export interface CampaignSpec {
  name: string;
  destinationUrl: string;
  fallbackUrl?: string;
  revenue: string;
  payout: string;
  dailyCap?: string;
  /** Keep per-sub1 statistics ("Report by sub1"). */
  trackSub1?: boolean;
}

/** Advertiser: fills the new-campaign form (CPA) and lands on the campaign page; returns its id. */
export async function createCampaign(page: Page, c: CampaignSpec): Promise<string> {
  await page.getByRole('link', { name: /New campaign/ }).click();
  await page.getByLabel('Campaign name').fill(c.name);
  await page.getByRole('radio', { name: /CPA — cost per action/ }).check();
  await page.getByLabel('Revenue per action').fill(c.revenue);
  await page.getByLabel('Payout per action').fill(c.payout);
  await page.getByLabel('Destination URL').fill(c.destinationUrl);
  if (c.fallbackUrl) await page.getByLabel('Fallback URL').fill(c.fallbackUrl);
  if (c.dailyCap) await page.getByLabel('Daily conversion cap').fill(c.dailyCap);
  if (c.trackSub1) await page.getByLabel('Report by sub1').check();
  await page.getByRole('button', { name: 'Create campaign' }).click();
  await page.waitForURL(/\/campaigns\/[0-9a-f]{24}$/);
  return new URL(page.url()).pathname.split('/').pop()!;
}

/** Admin: approves an affiliate from the approval queue, with a note. */
export async function approveAffiliate(page: Page, name: string, note = 'Looks good'): Promise<void> {
  await page.getByRole('link', { name: 'Affiliates' }).first().click();
  await page.getByRole('button', { name: `Approve ${name}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/Note/).fill(note);
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Admin: approves any account awaiting approval (an advertiser, say) from the Users page, with a note. */
export async function approveAccount(page: Page, name: string, note = 'Looks good'): Promise<void> {
  await page.getByRole('link', { name: 'Users' }).first().click();
  await page.getByRole('group', { name: 'Status' }).getByRole('button', { name: 'Awaiting approval' }).click();
  await page.getByRole('button', { name: `Approve ${name}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/Note/).fill(note);
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Affiliate: opens an offer from the list and returns the tracking link shown. */
export async function openOfferAndGetLink(page: Page, campaignName: string): Promise<string> {
  await page.getByRole('link', { name: 'Offers' }).first().click();
  await page.getByRole('link', { name: `Get link for ${campaignName}` }).click();
  const link = page.getByLabel('Tracking link', { exact: true });
  await link.waitFor();
  return ((await link.textContent()) ?? '').trim();
}

/** Advertiser on a campaign page: the postback URL template shown on the postback setup tab. */
export async function postbackUrlTemplate(page: Page): Promise<string> {
  await page.getByRole('tab', { name: 'Postback setup' }).click();
  const url = page.getByLabel('postback URL', { exact: true });
  await url.waitFor();
  return ((await url.textContent()) ?? '').trim();
}

/** The number in a KPI card (e.g. "live-clicks"), read as the screen shows it. */
export async function kpiNumber(page: Page, testId: string): Promise<number> {
  const text = (await page.locator(`[data-kpi="${testId}"]`).textContent()) ?? '';
  return Number(text.replace(/[^0-9.-]/g, ''));
}

/** Waits, without reloading, until a live KPI shows at least `min`. */
export async function waitForKpiAtLeast(page: Page, testId: string, min: number, timeoutMs = 30_000): Promise<number> {
  return eventually(`${testId} ≥ ${min}`, async () => {
    const n = await kpiNumber(page, testId);
    return n >= min ? n : undefined;
  }, timeoutMs);
}

/**
 * Waits until a live section (scope `campaign`, `affiliate` or `platform`) has its
 * snapshot and a subscription the server acknowledged: from then on, deltas arrive.
 */
export async function waitForLiveStream(page: Page, scope: 'campaign' | 'affiliate' | 'platform'): Promise<void> {
  await page.locator(`[data-live-scope="${scope}"][data-streaming="true"]`).waitFor();
}

/**
 * Tags the loaded document so a later check can tell it was not reloaded:
 * a reload or a full navigation drops the tag.
 */
export async function tagDocument(page: Page): Promise<string> {
  const tag = `doc-${Math.random().toString(36).slice(2)}`;
  await page.evaluate(`window.__offerlyDocumentTag = ${JSON.stringify(tag)}`);
  return tag;
}

export async function documentTag(page: Page): Promise<string | undefined> {
  return (await page.evaluate('window.__offerlyDocumentTag')) as string | undefined;
}

/** Admin: runs payouts from the payouts page; returns the toast's text. */
export async function runPayouts(page: Page): Promise<string> {
  await page.getByRole('link', { name: 'Payouts' }).first().click();
  await expectHeading(page, 'Payouts');
  await page.getByRole('button', { name: 'Run payouts now' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Run payouts' }).click();
  await dialog.waitFor({ state: 'detached' });
  const toast = page.getByRole('status').getByText(/Payout run/).first();
  await toast.waitFor();
  return ((await toast.textContent()) ?? '').trim();
}

/** Admin: opens the payout of `affiliateName` awaiting approval and approves it with a note. */
export async function approvePendingPayout(page: Page, affiliateName: string, note = 'Checked'): Promise<void> {
  await page.getByRole('row').filter({ hasText: affiliateName }).getByRole('link', { name: /Review/ }).click();
  await expectHeading(page, `Payout to ${affiliateName}`);
  await page.getByRole('button', { name: 'Approve', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(/Note/).fill(note);
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Admin on an approved payout's page: marks it paid with a payment reference. */
export async function markPayoutPaid(page: Page, reference: string, note = ''): Promise<void> {
  await page.getByRole('button', { name: 'Mark paid', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Payment reference').fill(reference);
  if (note) await dialog.getByLabel(/Note/).fill(note);
  await dialog.getByRole('button', { name: 'Mark paid' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Advertiser on the campaign's conversions tab: approves the pending conversion with transaction id `txnId`. */
export async function approveConversion(page: Page, txnId: string, note = ''): Promise<void> {
  await page.getByRole('button', { name: `Approve conversion ${txnId}` }).click();
  const dialog = page.getByRole('dialog');
  if (note) await dialog.getByLabel(/Note/).fill(note);
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Advertiser on a campaign page: sends a test postback and returns the result panel's text once it is resolved. */
export async function sendTestPostbackFromSetup(page: Page): Promise<string> {
  await page.getByRole('tab', { name: 'Postback setup' }).click();
  await page.getByRole('button', { name: 'Send test postback' }).click();
  const result = page.getByTestId('postback-result');
  // Queued first; the panel follows the postback until the worker resolved it.
  await result.getByText(/^(Attributed|Rejected|Status updated)$/).waitFor({ timeout: 30_000 });
  return ((await result.textContent()) ?? '').trim();
}

/** Affiliate: saves an outbound postback URL (switched on) on the Postback page. */
export async function saveOutboundPostback(page: Page, url: string): Promise<void> {
  await page.getByRole('link', { name: 'Postback', exact: true }).first().click();
  await expectHeading(page, 'Postback');
  await page.getByRole('textbox', { name: 'URL' }).fill(url);
  await page.getByRole('checkbox', { name: /Send postbacks/ }).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Postback settings saved').waitFor();
}

/** Affiliate on the Postback page: the test call's result panel text. */
export async function sendTestCall(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Send test call' }).click();
  const result = page.getByTestId('delivery-result');
  await result.waitFor();
  return ((await result.textContent()) ?? '').trim();
}

/** Clicks a "Download CSV" button and returns the saved file's name and text. */
export async function downloadCsv(page: Page): Promise<{ filename: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const file = await download.path();
  return { filename: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
}

/**
 * Asks the Socket.IO server, from inside the page (a WebSocket the browser
 * opens with the session cookie, speaking the Socket.IO wire protocol), to
 * join each room, and returns the server's answer per room.
 */
export async function socketRoomAnswers(page: Page, rooms: string[]): Promise<Record<string, { ok: boolean; error?: string }>> {
  return (await page.evaluate(`new Promise((resolve, reject) => {
    const rooms = ${JSON.stringify(rooms)};
    const answers = {};
    const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/socket.io/?EIO=4&transport=websocket');
    const timer = setTimeout(() => { ws.close(); reject(new Error('no answer from the socket server: ' + JSON.stringify(answers))); }, 15000);
    ws.onerror = () => reject(new Error('socket error'));
    ws.onmessage = (ev) => {
      const msg = String(ev.data);
      if (msg[0] === '0') ws.send('40');
      else if (msg === '2') ws.send('3');
      else if (msg.startsWith('44')) reject(new Error('connection refused: ' + msg));
      else if (msg.startsWith('40')) rooms.forEach((room, i) => ws.send('42' + i + JSON.stringify(['subscribe', { room }])));
      else if (msg.startsWith('43')) {
        const m = /^43(\\d+)(.*)$/.exec(msg);
        answers[rooms[Number(m[1])]] = JSON.parse(m[2])[0];
        if (Object.keys(answers).length === rooms.length) { clearTimeout(timer); ws.close(); resolve(answers); }
      }
    };
  })`)) as Record<string, { ok: boolean; error?: string }>;
}

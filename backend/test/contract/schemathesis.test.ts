import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context';
import { PERMISSIONS, type Role } from '../../src/domain/permissions';
import { REPO_ROOT } from '../../src/services/paths';
import { startWorkers } from '../../src/workers';
import { PASSWORD, approvedAdvertiser, approvedAffiliate, cpaCampaign, createAdmin } from '../helpers/api';
import { createTestContext, destroyTestContext } from '../helpers/context';
import { until } from '../helpers/postbacks';
import { click, startTrackingStack, storedClick, type TrackingStack } from '../helpers/tracking';
import { ServerErrors } from './server-errors';
import { EXCLUDED_PATHS, failureReport, runSchemathesis, schemathesisCommand, type KnownRecords } from './schemathesis-cli';

/**
 * An outside client checks the API against its own OpenAPI document: schemathesis
 * generates requests for every documented operation (valid and invalid ones) and
 * fails on any 5xx, undocumented status or media type, or body that does not
 * match its schema. It runs once without a session and once per role, on a
 * little data of each kind so that some requests reach real records.
 */

// Fixed, so a failure reproduces; change it to explore other inputs.
const SEED = 20261205;
const MAX_EXAMPLES = 8;
const RUN_DEADLINE_MS = 150_000;
const REPORT_DIR = path.join(REPO_ROOT, 'reports', 'schemathesis');

let ctx: AppContext;
let stack: TrackingStack;
let stopWorkers: () => Promise<void>;
const tokens: Record<Role, string> = { admin: '', advertiser: '', affiliate: '' };
let docUrl: string;
const serverErrors = new ServerErrors();
/** Operations a run has sent the coverage phase's inputs to; later runs only sample them (examples and fuzzing). */
const covered = new Set<string>();
const known: KnownRecords[] = [];

async function bearerToken(email: string): Promise<string> {
  const res = await fetch(`${stack.api.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  const body = (await res.json()) as { token?: string };
  if (res.status !== 200 || !body.token) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

/** An approved advertiser's campaign, an approved affiliate's link to it, one click and the conversion it made. */
async function seedRecords(): Promise<void> {
  const url = stack.api.url;
  const admin = await createAdmin(ctx, url);
  const adv = await approvedAdvertiser(url, admin.client);
  const aff = await approvedAffiliate(url, admin.client);
  const created = await adv.client.post('/api/campaigns', cpaCampaign());
  if (created.status !== 201) throw new Error(`campaign: ${created.status} ${created.text}`);
  const campaign = created.body.campaign as { id: string; postbackSecret: string };
  const link = await aff.client.get(`/api/campaigns/${campaign.id}/link`);
  if (link.status !== 200) throw new Error(`link: ${link.status} ${link.text}`);
  const { clickId } = await click(url, `/c/${link.body.link.id as string}`);
  if (!clickId) throw new Error('the click was not redirected');
  await storedClick(ctx, clickId);
  const pb = await fetch(`${url}/api/track/postback?${new URLSearchParams({ click_id: clickId, txn_id: 'order-1', token: campaign.postbackSecret })}`);
  const { id } = (await pb.json()) as { id: string };
  await until('the conversion', async () => {
    const res = await admin.client.get(`/api/track/postback/${id}`);
    return res.status === 200 && res.body.postback.state !== 'queued';
  });
  // Reads only: a write on a real record (archiving the campaign) would change what later runs can do.
  known.push(
    { name: 'campaign', param: 'id', ids: [campaign.id], operations: ['GET /api/campaigns/{id}', 'GET /api/campaigns/{id}/link', 'GET /api/analytics/campaign/{id}'] },
    { name: 'postback', param: 'id', ids: [id], operations: ['GET /api/track/postback/{id}'] },
  );
  tokens.admin = await bearerToken(admin.email);
  tokens.advertiser = await bearerToken(adv.email);
  tokens.affiliate = await bearerToken(aff.email);
}

beforeAll(async () => {
  schemathesisCommand();
  fs.rmSync(REPORT_DIR, { recursive: true, force: true });
  ctx = await createTestContext({
    // Generated requests come from one address in a burst: limits this low would answer most of them with 429.
    LOGIN_MAX_PER_IP: '100000',
    LOGIN_MAX_PER_ACCOUNT: '100000',
    LOGIN_MAX_PER_ACCOUNT_IP: '1000',
    POSTBACK_MAX_PER_IP: '10000000',
    POSTBACK_MAX_PER_TOKEN: '10000000',
    CLICK_MAX_ERRORS_PER_IP: '10000000',
    // Bursts of generated requests queue behind one another on a busy machine; the deadline is not what is under test.
    DB_REQUEST_STALL_MS: '10000',
    LOG_LEVEL: 'error',
  }, 'contract', { logDestination: serverErrors });
  stack = await startTrackingStack(ctx);
  stopWorkers = await startWorkers(ctx, ['conversions']);
  await seedRecords();
  docUrl = `${stack.api.url}/api/openapi.json`;
}, 120_000);

afterAll(async () => {
  await stopWorkers?.();
  await stack?.close();
  if (ctx) await destroyTestContext(ctx);
});

/**
 * The documented operations a caller may call, as schemathesis names them: the
 * others answer 401 or 403 before reading their input, whatever is generated.
 */
function operationsFor(caller: Role | 'public'): string[] {
  return stack.api.api.routes
    .filter((r) => !EXCLUDED_PATHS.test(r.path))
    .filter((r) => (caller === 'public' ? r.action === 'public' : r.action !== 'public' && (PERMISSIONS[r.action] as readonly Role[]).includes(caller)))
    .map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
}

const check = async (caller: Role | 'public') => {
  const mark = serverErrors.mark();
  const token = caller === 'public' ? undefined : tokens[caller];
  const operations = operationsFor(caller);
  const run = await runSchemathesis(docUrl, { token, operations, covered: [...covered], known, seed: SEED, maxExamples: MAX_EXAMPLES, deadlineMs: RUN_DEADLINE_MS });
  for (const name of operations) covered.add(name);
  const apiLog = (max: number) => {
    const logged = serverErrors.since(mark, max);
    return logged ? `\n\nThe API logged:\n${logged}` : '';
  };
  // The whole report, for reading after a CI run (reports/ is not committed).
  fs.mkdirSync(REPORT_DIR, { recursive: true });
  fs.writeFileSync(path.join(REPORT_DIR, `${caller}.txt`), run.output + apiLog(200));
  expect(run.code, `schemathesis found problems (exit ${run.code}, ${run.ms} ms):\n${failureReport(run.output)}${apiLog(10)}`).toBe(0);
};

// Admin last: its writes (reviews, suspensions) must not change what the other roles may do mid-test.
describe('the API answers as its OpenAPI document says', () => {
  it('to a caller without a session, on the public routes', () => check('public'), RUN_DEADLINE_MS + 10_000);
  it('to an affiliate, on its routes', () => check('affiliate'), RUN_DEADLINE_MS + 10_000);
  it('to an advertiser, on its routes', () => check('advertiser'), RUN_DEADLINE_MS + 10_000);
  it('to an admin, on its routes', () => check('admin'), RUN_DEADLINE_MS + 10_000);
});

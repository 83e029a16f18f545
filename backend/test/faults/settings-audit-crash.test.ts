import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/audit/audit-log';
import type { AppContext } from '../../src/context';
import type { ApiServer } from '../../src/http/server';
import { settingsCollection } from '../../src/settings/settings-store';
import { createAdmin, startTestApi } from '../helpers/api';
import type { TestClient } from '../helpers/http-client';
import { faultContext, spawnProcess, until, type Child, type FaultEnv } from './helpers';

/**
 * A settings change and its audit entry are one write: a process SIGKILLed
 * right after saving a change (fault point `settings:change-stored`, before
 * the entry is copied to the audit log) leaves the entry in the settings
 * document's outbox, and the next reader copies it — once, under the id it
 * was given when the change was saved — however often the settings and the
 * log are read afterwards, and by whichever process reads first.
 */
let ctx: AppContext;
let fault: FaultEnv;
let api: ApiServer;
let admin: { client: TestClient; id: string };
const children: Child[] = [];

beforeAll(async () => {
  ({ ctx, fault } = await faultContext({ env: { PAYOUT_HOLD_DAYS: '7' } }));
  api = await startTestApi(ctx);
  admin = await createAdmin(ctx, api.url);
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.alive()) await c.kill('SIGKILL');
  await api?.close();
  await ctx?.db.dropDatabase().catch(() => {});
  await ctx?.close();
});

const settingsEntries = () => auditLog(ctx.db).find({ action: 'settings.update' }).toArray();

describe('a settings change and its audit entry', () => {
  it('survive a crash between the two steps: the change is never stored without its entry, which is copied once', async () => {
    const child = spawnProcess('backend/test/faults/settings-save-child.ts', fault, { OFFERLY_FAULT_PAUSE: 'settings:change-stored' }, [admin.id, JSON.stringify({ payoutHoldDays: 3 })]);
    children.push(child);
    await until('the saving process to reach the fault point', () => child.output().includes('fault point settings:change-stored reached'), 60_000);
    await child.kill('SIGKILL');
    expect(child.output()).not.toContain('settings saved');

    // The change is stored, its entry is in the same document and not yet in the log.
    const doc = await settingsCollection(ctx.db).findOne({ _id: 'platform' });
    expect(doc?.payoutHoldDays).toBe(3);
    const pending = Object.values(doc?.auditOutbox ?? {});
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ action: 'settings.update', details: { payoutHoldDays_before: 7, payoutHoldDays_after: 3 }, ip: '203.0.113.9' });
    expect(await settingsEntries()).toEqual([]);

    // Two readers at once (the settings page and the audit log): the entry is stored once, under its id.
    const [read, log] = await Promise.all([admin.client.get('/api/admin/settings'), admin.client.get('/api/admin/audit-log?action=settings.update')]);
    expect(read.status).toBe(200);
    expect(read.body.values.payoutHoldDays).toBe(3);
    expect(log.status).toBe(200);
    const stored = await settingsEntries();
    expect(stored.map((e) => e._id)).toEqual([pending[0]!._id]);
    expect(stored[0]!.actor).toMatchObject({ id: admin.id, role: 'admin' });
    const again = await admin.client.get('/api/admin/audit-log?action=settings.update');
    expect(again.body.items.map((e: { id: string }) => e.id)).toEqual([pending[0]!._id]);
    expect(again.body.total).toBe(1);
    expect(Object.keys((await settingsCollection(ctx.db).findOne({ _id: 'platform' }))?.auditOutbox ?? {})).toEqual([]);

    // A save that completes after the crash adds its own entry, and only that.
    const patched = await admin.client.patch('/api/admin/settings', { payoutHoldDays: 5 });
    expect(patched.status).toBe(200);
    const after = await settingsEntries();
    expect(after).toHaveLength(2);
    expect(after.find((e) => e._id !== pending[0]!._id)?.details).toMatchObject({ payoutHoldDays_before: 3, payoutHoldDays_after: 5 });
    expect((await admin.client.get('/api/admin/audit-log?action=settings.update')).body.total).toBe(2);
  }, 120_000);

  it('keeps every entry when admins save at once: each save is exact about what it changed', async () => {
    const saves = await Promise.all([1, 2, 3, 4, 5, 6].map((d) => admin.client.patch('/api/admin/settings', { payoutHoldDays: 10 + d })));
    expect(saves.map((s) => s.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const entries = (await settingsEntries()).filter((e) => Number(e.details.payoutHoldDays_after) > 10);
    expect(entries).toHaveLength(6);
    // Chained: each save's "before" is the value another save left (or the 5 before them), never lost or doubled.
    const befores = entries.map((e) => Number(e.details.payoutHoldDays_before)).sort((a, b) => a - b);
    const afters = entries.map((e) => Number(e.details.payoutHoldDays_after));
    const final = (await settingsCollection(ctx.db).findOne({ _id: 'platform' }))!.payoutHoldDays!;
    expect(befores).toEqual([5, ...afters.filter((a) => a !== final)].sort((a, b) => a - b));
  }, 60_000);
});

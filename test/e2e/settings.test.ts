import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminAccount, screenshots, startStack, type Stack } from './harness';
import { expectHeading, signIn } from './steps';

/**
 * Platform settings in the dashboard: a bad value is refused where it was
 * typed (by the page, and by the API for what only the server can judge);
 * a saved change is what the platform uses, and shows in the audit log.
 */
let stack: Stack;
const ADMIN = 'settings-admin@example.test';

beforeAll(async () => {
  // The harness starts the stack with PAYOUT_HOLD_DAYS=0 and PAYOUT_MIN_CENTS=100 (the defaults shown).
  stack = await startStack();
  await createAdminAccount(stack.ctx, ADMIN, 'Settings Admin');
});

afterAll(async () => {
  await stack?.stop();
});

describe('platform settings page', () => {
  it('changes the minimum payout and hold, refuses bad values inline, and the change shows in the audit log', async () => {
    const { context, page } = await stack.newSession();
    await signIn(page, ADMIN);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await expectHeading(page, 'Platform settings');
    await page.getByText('Environment default: 0 days').waitFor();
    await page.getByText('Environment default: 100 cents').waitFor();

    const hold = page.getByLabel('Payout hold (days)');
    const minimum = page.getByLabel('Minimum payout (minor units)');
    const expression = page.getByLabel('Cron expression (UTC)');
    const save = page.getByRole('button', { name: 'Save settings' });
    // Refused by the page.
    await hold.fill('400');
    await save.click();
    await page.getByText('A whole number of days from 0 to 365').waitFor();
    expect(await hold.getAttribute('aria-invalid')).toBe('true');
    // Refused by the API (the minute field is out of range), shown under the field.
    await hold.fill('3');
    await minimum.fill('2500');
    const cron = await expression.inputValue();
    await expression.fill('99 2 * * *');
    await save.click();
    await page.getByText(/not a valid cron expression/).waitFor();
    expect(await expression.getAttribute('aria-invalid')).toBe('true');
    await screenshots(page, 'settings-invalid');
    expect((await stack.ctx.settings.read()).values).toMatchObject({ payoutHoldDays: 0, payoutMinimumCents: 100 });

    await expression.fill(cron);
    await save.click();
    await page.getByText('Settings saved').waitFor();
    await page.getByText('Changed by an admin').first().waitFor();
    const stored = await stack.ctx.settings.read();
    expect(stored.values).toMatchObject({ payoutHoldDays: 3, payoutMinimumCents: 2500 });
    expect(stored.sources).toMatchObject({ payoutHoldDays: 'database', payoutMinimumCents: 'database', payoutSchedule: 'default' });
    await screenshots(page, 'settings-saved');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await expectHeading(page, 'Audit log');
    const row = page.getByRole('row', { name: /settings\.update/ });
    await row.waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Payout hold days: 0 → 3');
    expect(text).toContain('Payout minimum cents: 100 → 2500');
    expect(text).toContain('Platform settings');
    expect(text).not.toContain('Payout schedule');
    await screenshots(page, 'audit-log');

    // Reset to the default from the settings page: the environment value is back, and logged.
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('button', { name: 'Reset to default' }).first().click();
    await page.getByText('Reset to the default').waitFor();
    await page.getByText('Environment default: 0 days').waitFor();
    expect((await stack.ctx.settings.read()).values.payoutHoldDays).toBe(0);
    expect(stack.pageErrors).toEqual([]);
    await context.close();
  });
});

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCREENSHOT_DIR, startStack, type Stack } from './harness';

/** The API reference page renders the generated OpenAPI document in chromium, from the API's own origin only. */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({}, { dashboard: false });
});

afterAll(async () => {
  await stack?.stop();
});

describe('API reference page', () => {
  it('renders the generated document (its title and operations) without loading anything from elsewhere', async () => {
    const { context, page } = await stack.newSession();
    const outside: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.protocol.startsWith('http') && url.origin !== stack.baseUrl) outside.push(r.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    const doc = (await (await fetch(`${stack.baseUrl}/api/openapi.json`)).json()) as { info: { title: string }; paths: Record<string, Record<string, { summary: string }>> };
    await page.goto('/api/reference');
    await page.getByRole('heading', { name: doc.info.title }).first().waitFor({ timeout: 30_000 });
    const health = doc.paths['/api/health']?.get?.summary;
    expect(health).toBeTruthy();
    await page.getByText(health!, { exact: true }).first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'api-reference-laptop.png') });
    expect(outside).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/.test(e))).toEqual([]);
    expect(stack.pageErrors).toEqual([]);
    await context.close();
  });
});

import { expect } from 'vitest';
import type { TestClient, TestResponse } from './http-client';

/** Every page of a cursor list (`{ items, nextCursor }`, or `pick` to find it in the answer), following its cursors. */
export async function allPages(
  client: TestClient,
  path: string,
  limit: number,
  between?: (page: number) => Promise<void>,
  pick: (body: any) => { items: Array<Record<string, any>>; total: unknown; nextCursor: string | null } = (body) => body,
): Promise<{ rows: Array<Record<string, any>>; pages: number; total: unknown }> {
  const rows: Array<Record<string, any>> = [];
  let cursor: string | null = null;
  let pages = 0;
  let total: unknown;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: TestResponse = await client.get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, res.text).toBe(200);
    const list = pick(res.body);
    expect(list.items.length).toBeLessThanOrEqual(limit);
    if (pages === 0) total = list.total;
    rows.push(...list.items);
    cursor = list.nextCursor;
    pages++;
    if (between) await between(pages);
    expect(pages).toBeLessThan(500);
  } while (cursor);
  return { rows, pages, total };
}

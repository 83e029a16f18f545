import { PERMISSIONS } from '../domain/permissions';
import type { RouteSpec } from './routes/types';

export const TABLE_START = '<!-- routes:start (generated from the route specs by backend/test/api-docs.test.ts; UPDATE_API_DOCS=1 rewrites it) -->';
export const TABLE_END = '<!-- routes:end -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n+/g, ' ');

/** The route table of docs/api.md: method, path, who may call it and what it does, from the same specs as the OpenAPI document. */
export function routeTable(routes: RouteSpec[]): string {
  const rows = routes.map((r) => {
    const who = r.action === 'public' ? 'public' : `${PERMISSIONS[r.action].join(', ')} (\`${r.action}\`)`;
    return `| ${r.method.toUpperCase()} | \`${r.path}\` | ${who} | ${cell(r.summary)} |`;
  });
  return [TABLE_START, '', '| Method | Path | Who | What |', '| --- | --- | --- | --- |', ...rows, '', TABLE_END].join('\n');
}

/** Replaces the generated table in a markdown document (which must hold both markers). */
export function withRouteTable(markdown: string, table: string): string {
  const start = markdown.indexOf(TABLE_START);
  const end = markdown.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error('docs/api.md has no generated route table markers');
  return markdown.slice(0, start) + table + markdown.slice(end + TABLE_END.length);
}

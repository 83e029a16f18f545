export interface SubIds {
  sub1: string;
  sub2: string;
  sub3: string;
  sub4: string;
  sub5: string;
}

export const SUB_KEYS = ['sub1', 'sub2', 'sub3', 'sub4', 'sub5'] as const;

/** The tracking link with the filled sub IDs (and an optional deep link) as query parameters. */
export function buildTrackingUrl(base: string, subs: Partial<SubIds>, deepLink = ''): string {
  const url = new URL(base);
  for (const k of SUB_KEYS) {
    const v = subs[k]?.trim();
    if (v) url.searchParams.set(k, v);
  }
  if (deepLink.trim()) url.searchParams.set('url', deepLink.trim());
  return url.toString();
}

export function subIdProblems(subs: Partial<SubIds>, maxLength: number): Partial<Record<keyof SubIds, string>> {
  const out: Partial<Record<keyof SubIds, string>> = {};
  for (const k of SUB_KEYS) {
    const v = subs[k] ?? '';
    if (v.length > maxLength) out[k] = `At most ${maxLength} characters`;
  }
  return out;
}

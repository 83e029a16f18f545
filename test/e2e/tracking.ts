/**
 * What happens outside the dashboard in the remaining flows: a visitor
 * clicking a tracking link and the advertiser's server sending a postback.
 * Plain HTTP, like the real actors.
 */
export interface ClickResult {
  status: number;
  location: string | null;
  /** The click id Offerly put into the destination (the `{click_id}` macro). */
  clickId: string | null;
}

/** Follows a tracking link once, without following the redirect; `clickParam` names the destination's query parameter holding `{click_id}`. */
export async function clickTrackingLink(link: string, clickParam = 'cid'): Promise<ClickResult> {
  const res = await fetch(link, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36' } });
  await res.body?.cancel();
  const location = res.headers.get('location');
  let clickId: string | null = null;
  if (location) {
    try {
      clickId = new URL(location).searchParams.get(clickParam);
    } catch {
      clickId = null;
    }
  }
  return { status: res.status, location, clickId };
}

/** Fills the campaign's postback URL template (as shown on the postback setup tab) and calls it. */
export async function sendPostback(template: string, values: { click_id: string; txn_id: string; amount?: string; currency?: string }): Promise<{ status: number; body: unknown }> {
  const url = template.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const v = (values as Record<string, string | undefined>)[name];
    return v === undefined ? whole : encodeURIComponent(v);
  });
  const res = await fetch(url);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the assertion message.
  }
  return { status: res.status, body };
}

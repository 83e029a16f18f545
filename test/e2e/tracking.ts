import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What happens outside the dashboard in the remaining flows: a visitor
 * clicking a tracking link, the advertiser's server sending a postback, and
 * the affiliate's server receiving one. Plain HTTP, like the real actors.
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

export interface ReceivedCall {
  method: string;
  /** Path and query as requested. */
  url: string;
  headers: http.IncomingHttpHeaders;
}

/** The affiliate's postback endpoint: a loopback HTTP server that answers 200 and records each call. */
export async function startPostbackReceiver(): Promise<{ baseUrl: string; calls: ReceivedCall[]; close(): Promise<void> }> {
  const calls: ReceivedCall[] = [];
  const server = http.createServer((req, res) => {
    calls.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

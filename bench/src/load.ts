import autocannon from 'autocannon';
import { summarizeLoad, type LoadSummary } from './stats';

/** A desktop browser's user agent, so clicks are classified like real visitors' (not `no_user_agent`). */
export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

export interface LoadRun {
  url: string;
  connections: number;
  durationS: number;
  /** Requests per second over all connections; omitted: as fast as the server answers (saturation). */
  overallRate?: number;
  headers?: Record<string, string>;
}

/**
 * One autocannon run in this process. At a fixed rate autocannon is a closed
 * loop (a connection waits for its answer before the next request), so a server
 * that cannot keep up shows fewer requests than asked rather than queueing delay.
 */
export async function runLoad(run: LoadRun): Promise<LoadSummary & { targetRate: number | null }> {
  const result = await autocannon({
    url: run.url,
    connections: run.connections,
    duration: run.durationS,
    overallRate: run.overallRate,
    headers: { 'user-agent': BROWSER_UA, ...run.headers },
  });
  return { ...summarizeLoad(result), targetRate: run.overallRate ?? null };
}

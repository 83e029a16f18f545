import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One process's Prometheus metrics (prom-client), in a registry of its own so
 * several API instances in one process (tests) do not share counters.
 */
export interface Metrics {
  registry: Registry;
  /** API requests by route pattern, method and status class. */
  http: Histogram<'method' | 'route' | 'status'>;
  /** Inbound postbacks accepted, by where they were put first (`queue`, or `mongo` while Redis was down). */
  postbacks: Counter<'via'>;
  /** Reads a value at scrape time (queue depths, batcher and cache statistics). */
  gaugeOf(name: string, help: string, labelNames: string[], read: (set: (labels: Record<string, string>, value: number) => void) => Promise<void> | void): void;
  /**
   * A counter kept as plain numbers by hot code and read at scrape time:
   * prom-client's labelled `inc()` hashes its labels on every call, which
   * cost the click path about a quarter of its throughput.
   */
  counterOf(name: string, help: string, label: string, counts: ReadonlyMap<string, number>): void;
}

const SECONDS_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'offerly_' });
  return {
    registry,
    http: new Histogram({ name: 'offerly_http_request_duration_seconds', help: 'API requests', labelNames: ['method', 'route', 'status'], buckets: SECONDS_BUCKETS, registers: [registry] }),
    postbacks: new Counter({ name: 'offerly_postbacks_accepted_total', help: 'Inbound postbacks accepted', labelNames: ['via'], registers: [registry] }),
    counterOf(name, help, label, counts) {
      registry.removeSingleMetric(name);
      new Counter({
        name,
        help,
        labelNames: [label],
        registers: [registry],
        collect() {
          this.reset();
          for (const [value, n] of counts) this.inc({ [label]: value }, n);
        },
      });
    },
    gaugeOf(name, help, labelNames, read) {
      // A second registration (a restarted component) replaces the first instead of failing.
      registry.removeSingleMetric(name);
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          this.reset();
          await read((labels, value) => this.set(labels, value));
        },
      });
    },
  };
}

/**
 * Test-only pause points, so a fault test can SIGKILL a process at a known
 * step of a long job (jobs-crash.test.ts), or hold one task of this process
 * there while another runs (`onFaultPoint`). With `NODE_ENV=test` and
 * `OFFERLY_FAULT_PAUSE=<name>` (or `<name>#<n>` for its n-th time, 1 by
 * default) in the environment, the process writes `fault point <name> reached`
 * to stderr when it gets there and then waits for ever (holding whatever it
 * holds: locks, half-written state), for the test to kill it. In any other
 * case `faultPoint` returns at once: the variable is read once, and outside
 * tests it and the hooks are ignored. Points: `rollup:day-rows-written` (a
 * day's stats rows written, its roll records, report documents and dirty
 * marks not yet), `payouts:building` (a run has a payout to build, new or
 * resumed, and holds or claims nothing for it yet), `payouts:claimed` (a new
 * payout holds its conversions, no lines yet), `payouts:lines-written` (a
 * payout's lines written, not yet completed),
 * `conversions:lifetime-place-taken` (the cap gate took postbacks' lifetime
 * places, not yet their daily ones), `settings:change-stored` (a platform
 * settings change saved with its audit entry in the outbox, the entry not yet
 * copied to the audit log).
 */
const isTest = process.env.NODE_ENV === 'test';
const spec = isTest ? (process.env.OFFERLY_FAULT_PAUSE ?? '') : '';
const [wanted, nth] = spec.split('#');
const times = new Map<string, number>();
/** What a point says of where it is (e.g. which payout), for a hook to pick the task it holds. */
export type FaultDetail = Record<string, string>;
type Hook = (detail: FaultDetail) => Promise<void>;
const hooks = new Map<string, Hook>();

/**
 * In a test process, awaits `hook` each time `name` is reached (until the
 * returned function removes it): a test makes one task wait there, at a known
 * step, while it runs another, so an interleaving is forced, not left to timing.
 */
export function onFaultPoint(name: string, hook: Hook): () => void {
  if (!isTest) throw new Error('fault point hooks are for tests only (NODE_ENV=test)');
  hooks.set(name, hook);
  return () => {
    if (hooks.get(name) === hook) hooks.delete(name);
  };
}

export async function faultPoint(name: string, detail: FaultDetail = {}): Promise<void> {
  const hook = hooks.get(name);
  if (hook) await hook(detail);
  if (!spec || name !== wanted) return;
  const n = (times.get(name) ?? 0) + 1;
  times.set(name, n);
  if (n !== Number(nth ?? 1)) return;
  process.stderr.write(`fault point ${name} reached\n`);
  // Stays here (and alive) until killed.
  setInterval(() => {}, 1 << 30);
  await new Promise<never>(() => {});
}

/**
 * Test-only pause points, so a fault test can SIGKILL a process at a known
 * step of a long job (jobs-crash.test.ts). With `NODE_ENV=test` and
 * `OFFERLY_FAULT_PAUSE=<name>` (or `<name>#<n>` for its n-th time, 1 by
 * default) in the environment, the process writes `fault point <name> reached`
 * to stderr when it gets there and then waits for ever (holding whatever it
 * holds: locks, half-written state), for the test to kill it. In any other
 * case `faultPoint` returns at once: the variable is read once, and outside
 * tests it is ignored. Points: `rollup:day-rows-written` (a day's stats rows
 * written, its roll records, report documents and dirty marks not yet),
 * `payouts:claimed` (a new payout holds its conversions, no lines yet),
 * `payouts:lines-written` (a payout's lines written, not yet completed),
 * `conversions:lifetime-place-taken` (the cap gate took postbacks' lifetime
 * places, not yet their daily ones), `settings:change-stored` (a platform
 * settings change saved with its audit entry in the outbox, the entry not yet
 * copied to the audit log).
 */
const spec = process.env.NODE_ENV === 'test' ? (process.env.OFFERLY_FAULT_PAUSE ?? '') : '';
const [wanted, nth] = spec.split('#');
const times = new Map<string, number>();

export async function faultPoint(name: string): Promise<void> {
  if (!spec || name !== wanted) return;
  const n = (times.get(name) ?? 0) + 1;
  times.set(name, n);
  if (n !== Number(nth ?? 1)) return;
  process.stderr.write(`fault point ${name} reached\n`);
  // Stays here (and alive) until killed.
  setInterval(() => {}, 1 << 30);
  await new Promise<never>(() => {});
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/i;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A time-range bound as typed by a person or a client: a calendar day
 * (`2026-11-25`, whose midnight depends on the zone it is read in), an instant
 * (`2026-11-25T10:00:00Z`, `…-05:00`), a date-time without its offset
 * (refused: it would be read in the server's zone, which the caller cannot
 * know), or something else.
 */
export type ParsedBound = { kind: 'day'; day: string } | { kind: 'instant'; ms: number } | { kind: 'no_offset' } | { kind: 'invalid' };

export function parseTimeBound(input: string): ParsedBound {
  const s = input.trim();
  const m = DATE_ONLY.exec(s);
  if (m) {
    const real = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === s;
    return real ? { kind: 'day', day: s } : { kind: 'invalid' };
  }
  if (WITH_OFFSET.test(s)) {
    const ms = Date.parse(s);
    return Number.isNaN(ms) ? { kind: 'invalid' } : { kind: 'instant', ms };
  }
  return LOCAL_DATE_TIME.test(s) ? { kind: 'no_offset' } : { kind: 'invalid' };
}

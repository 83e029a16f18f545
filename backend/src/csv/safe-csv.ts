import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | null | undefined;

/** A plain decimal such as `-3.00`: a number to a spreadsheet, never a formula. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * CSV for spreadsheets. Cells starting with `= + - @`, a tab or a CR are
 * prefixed with `'` (csv-stringify's `escape_formulas`), so a value someone
 * else chose (an affiliate's name, a sub1 from a URL, a payment reference)
 * is never run as a formula when the file is opened in Excel or Sheets.
 * Negative amounts we format ourselves (`-3.00`) are left as numbers.
 */
export function safeCsv(rows: CsvCell[][]): string {
  return stringify(rows, {
    escape_formulas: true,
    cast: { string: (value) => (PLAIN_NUMBER.test(value) ? { value, escape_formulas: false } : value) },
  });
}

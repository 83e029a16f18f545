import type { Response } from 'express';

/**
 * Answers with a CSV download; the file name is reduced to safe characters
 * since it goes into a header. The body starts with a UTF-8 byte order mark:
 * without it spreadsheet programs read the file in a legacy code page and
 * garble accented names.
 */
export function sendCsv(res: Response, filename: string, body: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  res.send(`\uFEFF${body}`);
}

import type { ApiError } from '../api/client';

const TOO_BIG = /^Too big: expected (?:string|array) to have <=\s?(\d+) (?:characters?|items?)$/i;
const TOO_SMALL = /^Too small: expected (?:string|array) to have >=\s?(\d+) (?:characters?|items?)$/i;
const MISSING = /^Invalid input: expected \w+, received undefined$/i;

/**
 * An API field message in plain words for a form: the API's own sentences
 * ("must be at least 8 characters") get a capital letter; the validator's
 * terse ones ("Too big: expected string to have <=100 characters") are
 * said the way the form says them ("At most 100 characters").
 */
export function fieldMessageInWords(message: string, field?: string): string {
  const big = TOO_BIG.exec(message);
  if (big) return `At most ${big[1]} characters`;
  const small = TOO_SMALL.exec(message);
  if (small) return small[1] === '1' ? 'Required' : `At least ${small[1]} characters`;
  if (MISSING.test(message)) return 'Required';
  if (field === 'email' && /^invalid/i.test(message)) return 'Enter a valid email address';
  return message.charAt(0).toUpperCase() + message.slice(1);
}

/**
 * A refused form submission split for display: messages for the form's own
 * fields (shown at them), and one line above the form — "Please fix the
 * highlighted fields." plus any problem no field shows — instead of the
 * API's bare "Invalid request body".
 */
export function formErrorsFrom<F extends string>(err: ApiError, fields: readonly F[]): { fieldErrors: Partial<Record<F, string>>; alert: string } {
  const fieldErrors: Partial<Record<F, string>> = {};
  const others: string[] = [];
  for (const [path, message] of Object.entries(err.fieldErrors)) {
    const field = fields.find((f) => f === path);
    if (field) fieldErrors[field] = fieldMessageInWords(message, field);
    else others.push(path === '(root)' ? fieldMessageInWords(message) : `${path}: ${message}`);
  }
  // A refusal with its own sentence ("An account with this email already exists") keeps it; only the validator's generic one is replaced.
  if (err.code !== 'validation_failed' || (Object.keys(fieldErrors).length === 0 && others.length === 0)) return { fieldErrors, alert: [err.message, ...others].join(' ') };
  const lead = Object.keys(fieldErrors).length > 0 ? ['Please fix the highlighted fields.'] : [];
  return { fieldErrors, alert: [...lead, ...others].join(' ') };
}

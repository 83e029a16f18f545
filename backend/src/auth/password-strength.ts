import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { ApiError, type ErrorDetail } from '../domain/errors';

/**
 * Password strength by zxcvbn-ts (pattern matching against common passwords,
 * English words and names, keyboard walks, dates, l33t), so `12345678` and
 * `password123` are refused although they are long enough.
 *
 * The dictionaries are a few MB: they are imported on first use (or by
 * `preloadPasswordStrength` at start-up) and built once per process, never at
 * module load, so processes and routes that never set a password do not pay.
 */
let checker: Promise<ZxcvbnFactory> | null = null;

function loadChecker(): Promise<ZxcvbnFactory> {
  checker ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
      // useLevenshteinDistance stays off: it costs ~600 ms of event-loop time per check against these dictionaries.
    });
  })();
  checker.catch(() => { checker = null; });
  return checker;
}

/** Starts loading in the background, so the first registration does not wait for it. */
export function preloadPasswordStrength(): void {
  void loadChecker().catch(() => {});
}

export interface PasswordVerdict {
  ok: boolean;
  /** 0 (guessable in a few tries) to 4 (very unguessable), zxcvbn's scale. */
  score: number;
  warning: string | null;
  suggestions: string[];
}

/**
 * `related` are things an attacker knows about the account (email, name,
 * company): a password built from them scores as if they were dictionary words.
 */
export async function judgePassword(password: string, minScore: number, related: string[] = []): Promise<PasswordVerdict> {
  const zxcvbn = await loadChecker();
  const inputs = related.flatMap((r) => [r, ...r.split(/[@.\s_+-]+/)]).filter((r) => r.length >= 3);
  const { score, feedback } = zxcvbn.check(password, [...inputs, 'offerly']);
  return { ok: score >= minScore, score, warning: feedback.warning, suggestions: feedback.suggestions };
}

/** Throws a 400 naming `password` with the library's advice when the password is too easy to guess. */
export async function assertStrongPassword(password: string, minScore: number, related: string[] = []): Promise<void> {
  const verdict = await judgePassword(password, minScore, related);
  if (verdict.ok) return;
  const detail: ErrorDetail & Omit<PasswordVerdict, 'ok'> & { minScore: number } = {
    path: 'password',
    message: [verdict.warning ?? 'This password is too easy to guess.', ...verdict.suggestions].join(' '),
    score: verdict.score,
    minScore,
    warning: verdict.warning,
    suggestions: verdict.suggestions,
  };
  throw new ApiError('validation_failed', 'The password is too easy to guess', [detail]);
}

import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root, resolved from this file so scripts work from any cwd. */
export const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const CACHE_DIR = path.join(REPO_ROOT, '.cache');
export const DATA_DIR = path.join(REPO_ROOT, '.data');

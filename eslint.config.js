import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.cache/**', '.data/**', 'reports/**', 'artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Domain rules stay plain TypeScript: readable and testable without a server, a database or a queue.
    files: ['backend/src/domain/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['express', 'mongoose', 'mongodb', 'ioredis', 'bullmq', 'socket.io', '@socket.io/*'], message: 'backend/src/domain must not depend on HTTP, database or queue libraries' },
        { group: ['../*', '!../domain/*'], message: 'backend/src/domain imports only other domain modules' },
      ] }],
    },
  },
  {
    // Functions short enough to read at once.
    files: ['backend/src/**'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Route files parse, authorize and call a named query or command of a feature module; data access lives there.
    files: ['backend/src/http/routes/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/db/models/*', 'mongoose', 'mongodb'], message: 'route files call feature modules; data access lives there' }] }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='ctx'][property.name=/^(models|db)$/]", message: 'route files call feature modules; data access lives there' }],
    },
  },
  {
    files: ['frontend/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/test/**', '**/*.test.ts', '**/*.test.tsx'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);

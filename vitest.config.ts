import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/**
 * One `vitest run` covers every workspace. Server-side tests share one Redis
 * and one MongoDB-wire server started by test/global-setup.ts; each test file
 * gets its own database and Redis key prefix. The e2e project starts its own
 * services (each project runs its globalSetup) and drives headless chromium.
 */
export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    projects: [
      {
        test: {
          name: 'server',
          include: ['backend/test/**/*.test.ts', 'jobs/test/**/*.test.ts', 'seed/test/**/*.test.ts', 'bench/test/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'frontend',
          include: ['frontend/src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['frontend/test/setup.ts'],
          testTimeout: 15_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          pool: 'forks',
          fileParallelism: false,
          sequence: { concurrent: false },
        },
      },
    ],
  },
});

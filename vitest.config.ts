import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: more workers only thrash kuromoji's dictionary load.
    pool: 'forks',
    maxWorkers: 2,
  },
});

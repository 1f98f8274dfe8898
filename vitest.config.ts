import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: more workers only thrash kuromoji's dictionary load.
    pool: 'forks',
    maxWorkers: 2,
    // One module graph per worker, not per test file: zod, exceljs, pdfjs and the kuromoji dictionary load once per
    // worker (issue 11: re-importing them in each of the ~50 files cost more CPU than the tests). The CLI tests run
    // the commands in-process too (test/helpers/cli.ts), so no test may rely on fresh module state.
    isolate: false,
  },
});

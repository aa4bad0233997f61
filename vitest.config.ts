import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // CPU-bound tests (10,000-item feeds, thousands of index adds) take a few seconds alone on a
    // core and 20–30 s with two busy loops beside the suite (npm run test:loaded); a hang still fails.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end tests spawn the real bot as a child process; two cores, so keep parallelism modest.
    maxWorkers: 2,
  },
});

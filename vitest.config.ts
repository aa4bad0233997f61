import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // End-to-end tests spawn the real bot as a child process; two cores, so keep parallelism modest.
    maxWorkers: 2,
  },
});

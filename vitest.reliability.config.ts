import { defineConfig } from 'vitest/config';

/**
 * The reliability and security suite (`npm run test:reliability`): fuzzing, replays, faults, load, access and
 * multi-instance runs against the real service. Kept out of the main run; bounded to a few minutes on 2 cores.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Outgoing connections limited to loopback in every file (see the file).
    setupFiles: ['test/reliability/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Load and timing figures need the cores to themselves: one file at a time.
    maxWorkers: 1,
    fileParallelism: false,
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/integration/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          // Real Synapse and real Matrix clients on a 2-core machine: a test whose message did not
          // reach a recipient's device in time runs once more before it counts as failed. Each
          // retry is reported by vitest; the README's Limits say what flakes.
          retry: 1,
        },
      },
    ],
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["app/**/*.test.ts", "db/**/*.test.ts", "seeds/**/*.test.ts", "scripts/**/*.test.ts", "tests/integration/**/*.test.ts"],
    globals: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite instances are memory-hungry WASM; keep parallelism modest on 2 cores.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
});

import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["app/**/*.test.ts", "db/**/*.test.ts", "seeds/**/*.test.ts", "scripts/**/*.test.ts", "tests/integration/**/*.test.ts"],
    // tests/integration/scale-out.test.ts runs several app processes against one database: it
    // belongs to the PostgreSQL run (TEST_DATABASE_URL set, which CI always does). Two processes
    // cannot share one embedded PGlite database, so the PGlite run leaves it out (not skipped).
    exclude: [...configDefaults.exclude, ...(process.env.TEST_DATABASE_URL ? [] : ["tests/integration/scale-out.test.ts"])],
    globals: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite instances are memory-hungry WASM; keep parallelism modest on 2 cores.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
});

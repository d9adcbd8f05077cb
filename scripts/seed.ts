/**
 * npm run seed -- --contracts N [--seed S] [--today YYYY-MM-DD] — load N deterministic demonstration contracts.
 *
 * The data depends on the seed and on "today": nothing is dated on or after it, and open tenders' deadlines
 * fall 3 to 90 days after it. `--today` fixes that day (UTC, from 2021-04-01, when two financial years of data
 * exist), so the same command gives the same data on any day; without it, today is the current UTC day.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { openFromEnv } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { demoToday, loadDemo } from "../seeds/load";

const { values } = parseArgs({
  options: {
    contracts: { type: "string", default: "20000" },
    seed: { type: "string", default: "1" },
    batch: { type: "string" },
    today: { type: "string" },
  },
});
const Args = z.object({
  contracts: z.coerce.number().int().min(1, "--contracts must be at least 1").max(5_000_000),
  seed: z.coerce.number().int(),
  batch: z.coerce.number().int().min(1).max(10_000).optional(),
  today: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD, e.g. 2025-05-01")
    .refine(
      (v) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return true; // reported by the regex
        const d = new Date(`${v}T00:00:00Z`);
        return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
      },
      { message: "is not a real date" },
    )
    .refine((v) => v >= "2021-04-01", { message: "must be on or after 2021-04-01 (the data starts in financial year 2019-20)" })
    .transform((v) => new Date(`${v}T00:00:00Z`))
    .optional(),
});
const parsed = Args.safeParse(values);
if (!parsed.success) {
  for (const i of parsed.error.issues) console.error(`--${i.path.join(".")}: ${i.message}`);
  process.exit(2);
}
const h = await openFromEnv();
try {
  await migrateToLatest(h.db);
  const existing = await h.db.selectFrom("processes").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  if (Number(existing.n) > 0) {
    console.error(`The database already holds ${existing.n} contracts; seeding needs an empty register (demonstration ocids would clash).`);
    process.exit(1);
  }
  const today = parsed.data.today ?? demoToday();
  console.log(`Demonstration data as of ${today.toISOString().slice(0, 10)} (seed ${parsed.data.seed}).`);
  const r = await loadDemo(h.db, {
    contracts: parsed.data.contracts,
    seed: parsed.data.seed,
    today,
    progress: true,
    ...(parsed.data.batch ? { batchSize: parsed.data.batch } : {}),
  });
  console.log(`Loaded ${r.contracts} contracts, ${r.releases} releases in ${r.seconds.toFixed(1)} s (${Math.round(r.contracts / r.seconds)} contracts/s).`);
} finally {
  await h.close();
}

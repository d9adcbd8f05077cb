/** npm run seed -- --contracts N [--seed S] — load N deterministic demonstration contracts. */
import { parseArgs } from "node:util";
import { z } from "zod";
import { openFromEnv } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { loadDemo } from "../seeds/load";

const { values } = parseArgs({
  options: { contracts: { type: "string", default: "20000" }, seed: { type: "string", default: "1" }, batch: { type: "string" } },
});
const Args = z.object({
  contracts: z.coerce.number().int().min(1, "--contracts must be at least 1").max(5_000_000),
  seed: z.coerce.number().int(),
  batch: z.coerce.number().int().min(1).max(10_000).optional(),
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
  const r = await loadDemo(h.db, {
    contracts: parsed.data.contracts,
    seed: parsed.data.seed,
    progress: true,
    ...(parsed.data.batch ? { batchSize: parsed.data.batch } : {}),
  });
  console.log(`Loaded ${r.contracts} contracts, ${r.releases} releases in ${r.seconds.toFixed(1)} s (${Math.round(r.contracts / r.seconds)} contracts/s).`);
} finally {
  await h.close();
}

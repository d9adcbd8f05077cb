/**
 * npm run organisations:merge -- --from ID --into ID [--by NAME]
 *
 * Merges organisation --from into organisation --into (register ids), for
 * good: --from's resolution key becomes an alias of --into, so later imports
 * naming --from resolve to --into; every contract naming either is recompiled
 * from its releases (register rows, dashboard figures and red flags follow);
 * --from is deleted, or kept marked as merged when a publisher account, a
 * draft or the audit log still names it. All in one transaction: on any error
 * nothing changes. --by names who merged (kept with the alias and in the
 * audit log; default "(command line)"). Exit codes: 0 merged, 2 bad
 * arguments or a merge that cannot be made, 1 failure.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { MergeError, mergeOrganisations } from "../app/services/organisations-merge.server";
import { openFromEnv } from "../db/client";
import { migrateToLatest } from "../db/migrate";

const USAGE = "Usage: npm run organisations:merge -- --from ID --into ID [--by NAME]";

const id = (flag: string) =>
  z
    .string({ error: `${flag} is required (a register organisation id)` })
    .trim()
    .regex(/^[1-9]\d{0,17}$/, `${flag} must be a register organisation id (a whole number)`)
    .transform((v) => BigInt(v));

const Args = z
  .object({
    from: id("--from"),
    into: id("--into"),
    by: z.string().trim().min(1, "--by must not be empty").max(200, "--by must be 200 characters or fewer").default("(command line)"),
  })
  .refine((a) => a.from !== a.into, { path: ["into"], message: "--into must be another organisation than --from" });

async function main(): Promise<number> {
  let raw: ReturnType<typeof parseArgs>["values"];
  try {
    raw = parseArgs({
      options: { from: { type: "string" }, into: { type: "string" }, by: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (raw.help) {
    console.log(USAGE);
    return 0;
  }
  const parsed = Args.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues) console.error(i.message);
    console.error(USAGE);
    return 2;
  }
  const args = parsed.data;

  const h = await openFromEnv();
  try {
    await migrateToLatest(h.db);
    const started = Date.now();
    const r = await mergeOrganisations(h.db, { from: args.from, into: args.into, by: args.by });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`Merged organisation ${r.from.id} (${r.from.name}) into ${r.into.id} (${r.into.name}) in ${seconds} s.`);
    console.log(`  contracts moved:      ${r.movedProcesses.toLocaleString("en-GB")} (named ${r.from.id})`);
    console.log(`  contracts recompiled: ${r.processes.toLocaleString("en-GB")} (named either; register rows, dashboard figures and flags follow)`);
    console.log(`  resolution keys now resolving to ${r.into.id}: ${r.aliases.join(", ")}`);
    console.log(
      r.outcome === "deleted"
        ? `  organisation ${r.from.id}: deleted (nothing references it any more)`
        : `  organisation ${r.from.id}: kept, marked as merged into ${r.into.id} (still named by ${r.keptFor.join(", ")})`,
    );
    if (r.auditId !== null) console.log(`  audit entry: ${r.auditId}`);
    return 0;
  } catch (e) {
    if (e instanceof MergeError) {
      console.error(e.message);
      console.error("Nothing was changed.");
      return 2;
    }
    console.error(`Merge failed, nothing was changed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await h.close();
  }
}

process.exitCode = await main();

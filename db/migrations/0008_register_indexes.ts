import type { Kysely } from "kysely";
import { runScript } from "./run-script";

/**
 * The register's commonest combined filters — a dashboard's click-through is a
 * financial year with a buyer type and the consultancy flag — read from one
 * index, in date order, instead of intersecting single-column bitmaps (about
 * 100,000 rows a year at 1,000,000 contracts) and re-checking the heap.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runScript(
    db,
    `
create index processes_fy_buyer_type on processes (award_fy, buyer_type, consultancy, sort_date, ocid);
`,
  );
}

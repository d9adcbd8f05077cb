/**
 * npm run bench:register — the register page at 1,000,000 contracts in PostgreSQL.
 * Prints, for /contracts with (a) no filter, (b) a full-text query, (c) three
 * filters combined, under 10 concurrent clients: p50 and p95 in ms, and the
 * ratio of the page's server time to the bare SQL for the same page.
 */
import { performance } from "node:perf_hooks";
import { countRegister, type RegisterQuery, searchRegister } from "../db/queries/register";
import { sumRegisterValue } from "../db/queries/stats";
import { BENCH_CONTRACTS, benchUrl, drive, ensureBenchDatabase, ms, percentile, startServer } from "./lib";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = 10;

const h = await ensureBenchDatabase(BENCH_CONTRACTS);
const now = new Date();
const cases: Array<{ name: string; path: string; query: RegisterQuery }> = [
  { name: "(a) no filter", path: "/contracts", query: { now } },
  { name: "(b) full-text query", path: "/contracts?q=records+management", query: { q: "records management", now } },
  {
    name: "(c) three filters",
    path: "/contracts?buyerType=central&consultancy=yes&fy=2023-24",
    query: { buyerType: "central", consultancy: "yes", fy: 2023, now },
  },
];

/** The bare SQL of one page: the same search, count and total the page runs, 10 clients at once. */
async function bareSql(q: RegisterQuery, q0: RegisterQuery): Promise<number[]> {
  const times: number[] = [];
  const until = Date.now() + SECONDS * 1000;
  const sort = q0.q ? "relevance" : "newest";
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < until) {
        const t0 = performance.now();
        const [, count] = await Promise.all([searchRegister(h.db, q, sort, 25, null), countRegister(h.db, q)]);
        if (!count.capped) await sumRegisterValue(h.db, q); // the page states an exact view's total

        times.push(performance.now() - t0);
      }
    }),
  );
  return times;
}

/**
 * Two runs: as served (the page cache on, the default: a repeated page is
 * replayed while the data is unchanged), and with PAGE_CACHE=off, where every
 * request renders the page from the database; the page ÷ SQL ratio is that
 * of the uncached run, the page's own cost over its queries'.
 */
const modes: Array<{ label: string; env: Record<string, string> }> = [
  { label: "page cache on (default)", env: {} },
  { label: "PAGE_CACHE=off (every request rendered)", env: { PAGE_CACHE: "off" } },
];
console.log(`\nRegister benchmark: ${BENCH_CONTRACTS.toLocaleString("en-GB")} contracts, ${CONNECTIONS} concurrent clients, ${SECONDS} s per case\n`);
const sqlTimesByCase = new Map<string, number[]>();
try {
  for (const mode of modes) {
    const server = await startServer({ DATABASE_URL: benchUrl(), ...mode.env });
    const rows: string[][] = [];
    try {
      for (const c of cases) {
        await drive([`${server.base}${c.path}`], { connections: 2, seconds: 2 }); // warm up
        const page = await drive([`${server.base}${c.path}`], { connections: CONNECTIONS, seconds: SECONDS });
        let sqlTimes = sqlTimesByCase.get(c.name);
        if (!sqlTimes) {
          sqlTimes = await bareSql(c.query, c.query);
          sqlTimesByCase.set(c.name, sqlTimes);
        }
        const sqlP50 = percentile(sqlTimes, 50);
        rows.push([
          c.name,
          ms(page.p50),
          ms(page.p95),
          ms(sqlP50),
          ms(percentile(sqlTimes, 95)),
          (page.p50 / sqlP50).toFixed(2),
          String(page.requests),
          String(page.errors + page.non2xx),
        ]);
      }
    } finally {
      await server.stop();
    }
    const head = ["case", "page p50", "page p95", "SQL p50", "SQL p95", "page/SQL (p50)", "requests", "errors"];
    const widths = head.map((hd, i) => Math.max(hd.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
    console.log(`${mode.label}:`);
    console.log(line(head));
    for (const r of rows) console.log(line(r));
    console.log("");
  }
} finally {
  await h.close();
}
console.log("Goal: p95 under 150 ms for each, and page time under 2× the bare query.");

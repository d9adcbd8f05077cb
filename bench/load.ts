/**
 * npm run bench:load — a news-day rush: 50 concurrent clients for 60 s against
 * 1,000,000 contracts in PostgreSQL, a mix of register, contract, dashboard and
 * API requests. Prints throughput, p50/p95/p99 and the error count.
 * Goal: zero errors, p99 under 500 ms. Loopback only; bounded in time.
 */
import { sql } from "kysely";
import { BENCH_CONTRACTS, benchUrl, drive, ensureBenchDatabase, ms, startServer } from "./lib";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

const h = await ensureBenchDatabase(BENCH_CONTRACTS);
// Real ocids and ids to ask for: a spread sample, not just the newest.
const sample = await sql<{ ocid: string; buyer_id: bigint | null; supplier: bigint | null }>`
  select ocid, buyer_id, supplier_ids[1] as supplier from processes tablesample system (0.1) limit 200`.execute(h.db);
await h.close();
const ocids = sample.rows.map((r) => r.ocid);
const buyers = sample.rows.map((r) => r.buyer_id).filter((b): b is bigint => b !== null);
const suppliers = sample.rows.map((r) => r.supplier).filter((b): b is bigint => b !== null);

const paths: string[] = [];
for (let i = 0; i < 200; i++) {
  const ocid = ocids[i % ocids.length]!;
  const buyer = buyers[i % buyers.length];
  const supplier = suppliers[i % suppliers.length];
  paths.push(
    "/contracts",
    `/contracts/${encodeURIComponent(ocid)}`,
    "/contracts?q=cloud+hosting",
    `/contracts?buyerType=${["central", "local", "nhs", "alb"][i % 4]}&consultancy=yes`,
    "/dashboards/sme",
    "/dashboards/consultancy",
    "/dashboards/concentration",
    "/",
    "/api/v1/stats/sme-share",
    "/api/v1/stats/consultancy",
    `/api/v1/contracts?limit=20${buyer ? `&buyer=${buyer}` : ""}`,
    `/api/v1/ocds/records/${encodeURIComponent(ocid)}`,
    supplier ? `/suppliers/${supplier}` : "/suppliers",
    "/opportunities",
    "/watch",
  );
}

// Rate limits are configuration: set them high so the bench measures the service, not the limiter.
const server = await startServer({ DATABASE_URL: benchUrl(), RATE_LIMIT_API_PER_MINUTE: "100000000" });
try {
  await drive(
    paths.slice(0, 30).map((p) => server.base + p),
    { connections: 4, seconds: 5 },
  );
  const r = await drive(
    paths.map((p) => server.base + p),
    { connections: CONNECTIONS, seconds: SECONDS },
  );
  console.log(`\nLoad: ${CONNECTIONS} clients for ${SECONDS} s, ${BENCH_CONTRACTS.toLocaleString("en-GB")} contracts, mixed pages and API; page cache ${process.env.PAGE_CACHE ?? "on"} (PAGE_CACHE=off npm run bench:load renders every request)`);
  console.log(`requests ${r.requests}, throughput ${r.rps.toFixed(1)} req/s`);
  console.log(`p50 ${ms(r.p50)}  p95 ${ms(r.p95)}  p99 ${ms(r.p99)}`);
  console.log(`errors ${r.errors} (network) + ${r.non2xx} (non-2xx); statuses ${JSON.stringify(r.statuses)}`);
  console.log("Goal: zero errors, p99 under 500 ms.");
} finally {
  await server.stop();
}

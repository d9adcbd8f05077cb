/**
 * The configuration in force, end to end: METRICS_* variables (and a
 * METRICS_CONFIG file) validated at start, handed to the loaders, shown on
 * /methodology as in force and used by the API; the red-flag thresholds the
 * stored flags were computed with shown there too; and consultancy:recompute,
 * which brings stored classifications (and every figure) into line with new
 * prefixes.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEnv } from "../../app/env.server";
import { DEFAULT_FLAG_CONFIG } from "../../app/domain/flags";
import { DEFAULT_CONSULTANCY_CONFIG, classifyConsultancy } from "../../app/domain/metrics/consultancy";
import { recomputeConsultancy, storedConsultancyConfig } from "../../app/services/consultancy-recompute.server";
import { recomputeAllFlags } from "../../app/services/flags.server";
import { searchContracts } from "../../app/services/register.server";
import { consultancyApi } from "../../app/services/stats.server";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";
import { Client, expectText, startServer, type TestServer, textOf } from "./publish-server";

const NOW = new Date("2025-09-15T12:00:00Z");
let t: TestDb;

beforeAll(async () => {
  t = await openTestDatabase("stats_config");
  await loadDemo(t.db, { contracts: 300, seed: 11, today: new Date("2025-09-15T00:00:00Z") });
});

afterAll(async () => {
  await t?.close();
});

describe("parseEnv: the metrics configuration", () => {
  it("is the defaults when nothing is set, and reads METRICS_* variables over a METRICS_CONFIG file", () => {
    expect(parseEnv({ NODE_ENV: "test" }).metrics.smeTarget).toBe(0.33);
    const dir = mkdtempSync(path.join(tmpdir(), "metrics-config-"));
    const file = path.join(dir, "metrics.json");
    writeFileSync(file, JSON.stringify({ smeTarget: 0.3, smeTargetsByBuyer: { "GB-GOR-D1": 0.25 }, pledge: { baselineFrom: "2018-19" } }));
    const env = parseEnv({ NODE_ENV: "test", METRICS_CONFIG: file, METRICS_UNCERTAIN_COVERAGE_BELOW: "60%" });
    expect(env.metrics).toMatchObject({
      smeTarget: 0.3,
      smeTargetsByBuyer: { "GB-GOR-D1": 0.25 },
      uncertainCoverageBelow: 0.6,
      pledge: { baselineFrom: 2018, baselineTo: 2022, targetFy: 2025 },
    });
  });

  it("stops with a message naming each bad variable, and a file it cannot read", () => {
    expect(() => parseEnv({ NODE_ENV: "test", METRICS_SME_TARGET: "33", METRICS_PLEDGE_TARGET_FY: "2025" })).toThrow(
      /Invalid environment:[\s\S]*METRICS_SME_TARGET[\s\S]*METRICS_PLEDGE_TARGET_FY/,
    );
    expect(() => parseEnv({ NODE_ENV: "test", METRICS_CONFIG: "/nonexistent/metrics.json" })).toThrow(/METRICS_CONFIG: cannot read \/nonexistent\/metrics\.json/);
  });
});

describe("/methodology and the API show the configuration in force", () => {
  let server: TestServer;
  let c: Client;

  beforeAll(async () => {
    // Stored flags recomputed with a short-tender threshold of 15 days (Cardinal's R003).
    await recomputeAllFlags(t.db, { ...DEFAULT_FLAG_CONFIG, shortTenderDays: 15 });
    server = await startServer(t.db, { now: () => NOW, env: { METRICS_SME_TARGET: "40%", METRICS_PLEDGE_TARGET_FY: "2026-27" } });
    c = new Client(server.base);
  });

  afterAll(async () => {
    await server?.close();
  });

  it("shows a non-default SME target and target year as configured, and the API uses them", async () => {
    const page = await c.get("/methodology");
    expect(page.status).toBe(200);
    const settings = textOf(page.html.slice(page.html.indexOf('data-testid="settings"')));
    expect(settings).toContain("SME target 40% (configured)");
    expect(settings).toContain("Pledge target year 2026-27 (configured)");
    expect(settings).toContain("Pledge baseline 2017-18 to 2022-23 (default)");
    expectText(page, "The target line in force is 40%");
    const sme = (await (await fetch(`${server.base}/api/v1/stats/sme-share`)).json()) as { target: number; currentFy: string };
    expect(sme.target).toBe(0.4);
    expect(sme.currentFy).toBe("2025-26");
    const pledge = (await (await fetch(`${server.base}/api/v1/stats/consultancy`)).json()) as { targetFy: string };
    expect(pledge.targetFy).toBe("2026-27");
    expectText(await c.get("/dashboards/sme"), "against the target of 40%");
  });

  it("shows the red-flag thresholds the stored flags were computed with, not the defaults", async () => {
    const page = await c.get("/methodology");
    const rules = textOf(page.html.slice(page.html.indexOf('data-testid="flag-rules"')));
    expect(rules).toContain("shorter than 15 days");
    expect(rules).not.toContain("shorter than 25 days");
  });
});

describe("consultancy:recompute", () => {
  async function consultancyPenceByYear(): Promise<Map<number, bigint>> {
    const r = await sql<{ fy: number; v: string }>`
      select fy, sum(value_pence)::text as v from spend_annual where consultancy and gbp group by fy`.execute(t.db);
    return new Map(r.rows.map((x) => [Number(x.fy), BigInt(x.v)]));
  }

  it("reclassifies stored contracts with new prefixes, moves every figure with them, and back", async () => {
    const before = await consultancyApi(t.db, new URLSearchParams(), { now: NOW });
    const wide = { prefixes: ["72", "794"], excludedPrefixes: [] };
    const r = await recomputeConsultancy(t.db, wide, { batchSize: 50 });
    expect(r.processes).toBeGreaterThan(250);
    expect(r.added).toBeGreaterThan(0);
    expect(await storedConsultancyConfig(t.db)).toEqual(wide);

    // Every stored classification is the rule's with the new prefixes (the publisher's own yes/no kept).
    const rows = await t.db.selectFrom("processes").select(["consultancy_explicit", "cpv_codes", "consultancy", "consultancy_rule"]).execute();
    for (const p of rows) {
      const cls = classifyConsultancy({ explicit: p.consultancy_explicit, cpvCodes: p.cpv_codes }, wide);
      expect([p.consultancy, p.consultancy_rule]).toEqual([cls.consultancy, cls.rule]);
    }
    // The spend rows follow, and the rollups (read by the API) with them.
    const mismatched = await sql<{ n: number }>`
      select count(*)::int as n from spend_lines l join processes p using (ocid) where l.consultancy <> p.consultancy`.execute(t.db);
    expect(mismatched.rows[0]!.n).toBe(0);
    const after = await consultancyApi(t.db, new URLSearchParams(), { now: NOW });
    const base = await consultancyPenceByYear();
    for (const y of after.years) {
      const fy = Number(y.fy.slice(0, 4));
      const want = base.get(fy) ?? 0n;
      expect(y.spendPence ?? y.committedPence ?? 0n, y.fy).toBe(y.registerContracts === 0 ? 0n : want);
    }
    const some = after.years.find((y) => y.contracts > 0 && y.yearStatus === "complete")!;
    const reg = await searchContracts(t.db, new URLSearchParams({ consultancy: "yes", activeFy: some.fy }), NOW, 1);
    expect(reg.total?.valuePence).toBe(some.spendPence);
    expect(after.baselinePence! > before.baselinePence!).toBe(true);

    // Back to the defaults: the figures are exactly those of before.
    await recomputeConsultancy(t.db, DEFAULT_CONSULTANCY_CONFIG);
    expect(await consultancyApi(t.db, new URLSearchParams(), { now: NOW })).toEqual(before);
  });
});

/**
 * The policy dashboards' hand-computed fixture (the same contracts as
 * stats-policy.test.ts describes), for tests that check the register views
 * behind the figures: eight contracts over two financial years, two buyers,
 * five suppliers, two parent groups (set as register data, as the
 * demonstration loader sets them).
 *
 *   buyers  B1 central, London (TLI); B2 local, North West (TLD); B3 central, registered in France, no region
 *   S1 company, GB, TLI, large, group G1 (US)      S2 co-operative, GB, TLD, small
 *   S3 company, DE, no region, large               S4 no type, no country, no scale
 *   S5 VCSE, GB, TLD, micro, group G2 (no country) S6 company, GB, TLI, large, group G3 (GB)
 *   C1 2023-24 B1 72415000 S1 1,000 [growth]       C2 2023-24 B2 48000000 S2 200 []
 *   C3 2023-24 B1 79400000 S3+S4 300 split [nhs, growth]
 *   C4 2024-25 B2 72317000 S3 500 [energy]         C5 2024-25 B1 48100000 S5 400 []
 *   C6 2024-25 B2 72230000 S2 100 [growth]         C8 2024-25 B1 72260000 S1 600 []
 *   C7 2024-25 B1 EUR 999 S3: not in GBP figures
 *   C9 2024-25 B3 48200000 S6 250 []               C10 no award date, B1 72000000 S1 700: in no year
 */
import { sql } from "kysely";
import type { OcdsRelease } from "../../app/domain/types";
import { ingestReleases } from "../../app/services/ingest.server";
import type { TestDb } from "../setup/test-db";

type Sup = { name: string; country: string | null; region: string | null; type: string | null; scale: string | null };
export const SUP: Record<string, Sup> = {
  S1: { name: "Alpha Cloud UK Ltd", country: "GB", region: "TLI", type: "company", scale: "large" },
  S2: { name: "Beta Co-operative", country: "GB", region: "TLD", type: "cooperative", scale: "small" },
  S3: { name: "Gamma GmbH", country: "DE", region: null, type: "company", scale: "large" },
  S4: { name: "Delta Services", country: null, region: null, type: null, scale: null },
  S5: { name: "Epsilon Trust", country: "GB", region: "TLD", type: "vcse", scale: "micro" },
  S6: { name: "Zeta Systems Ltd", country: "GB", region: "TLI", type: "company", scale: "large" },
};
export const BUY = {
  B1: { name: "Department for Policy Tests", type: "central", region: "TLI", country: "GB" },
  B2: { name: "Policyshire Council", type: "local", region: "TLD", country: "GB" },
  B3: { name: "Overseas Policy Office", type: "central", region: null, country: "FR" },
} as const;

function party(id: string, name: string, roles: string[], details: Record<string, unknown>, address: Record<string, unknown>) {
  return { id, name, identifier: { scheme: "GB-COH", id: id.replace(/^GB-COH-/, "") }, roles, details, address };
}

function release(n: number, buyer: keyof typeof BUY, date: string | null, cpv: string, suppliers: string[], amount: number, missions: string[], currency = "GBP"): OcdsRelease {
  const ocid = `ocds-policyreg-${n}`;
  const b = BUY[buyer];
  const bid = `GB-COH-PB${buyer}`;
  const supplierParties = suppliers.map((k) => {
    const x = SUP[k]!;
    return party(
      `GB-COH-PS${k}`,
      x.name,
      ["supplier"],
      { ...(x.scale ? { scale: x.scale } : {}), ...(x.type ? { x_organisationType: x.type } : {}) },
      { ...(x.country ? { x_countryCode: x.country } : {}), ...(x.region ? { x_itl1: x.region } : {}) },
    );
  });
  return {
    ocid,
    id: `${ocid}-1`,
    date: date ?? "2024-07-01T10:00:00Z",
    tag: ["award"],
    initiationType: "tender",
    parties: [
      party(bid, b.name, ["buyer"], { x_buyerType: b.type }, { x_countryCode: b.country, ...(b.region ? { x_itl1: b.region } : {}) }),
      ...supplierParties,
    ],
    buyer: { id: bid, name: b.name },
    tender: {
      id: `${ocid}-tender`,
      title: `Policy register test ${n}`,
      status: "complete",
      classification: { scheme: "CPV", id: cpv },
      ...(missions.length ? { x_missions: missions } : {}),
    },
    awards: [
      {
        id: `${ocid}-award`,
        status: "active",
        ...(date ? { date } : {}),
        value: { amount, currency },
        suppliers: supplierParties.map((p) => ({ id: p.id, name: p.name })),
      },
    ],
  } as unknown as OcdsRelease;
}

const FY23 = "2023-06-01T10:00:00Z";
const FY24 = "2024-06-01T10:00:00Z";
export const RELEASES = [
  release(1, "B1", FY23, "72415000", ["S1"], 1000, ["growth"]),
  release(2, "B2", FY23, "48000000", ["S2"], 200, []),
  release(3, "B1", FY23, "79400000", ["S3", "S4"], 300, ["nhs", "growth"]),
  release(4, "B2", FY24, "72317000", ["S3"], 500, ["energy"]),
  release(5, "B1", FY24, "48100000", ["S5"], 400, []),
  release(6, "B2", FY24, "72230000", ["S2"], 100, ["growth"]),
  release(7, "B1", FY24, "72415000", ["S3"], 999, [], "EUR"),
  release(8, "B1", FY24, "72260000", ["S1"], 600, []),
  release(9, "B3", FY24, "48200000", ["S6"], 250, []),
  release(10, "B1", null, "72000000", ["S1"], 700, []),
];
export const ocidOf = (n: number) => `ocds-policyreg-${n}`;

/** Ingest the fixture; returns the register ids of the organisations (S1…, B1…) and groups (G1…). */
export async function loadPolicyFixture(t: TestDb): Promise<{ ids: Map<string, string>; groupIds: Map<string, string> }> {
  const ids = new Map<string, string>();
  const groupIds = new Map<string, string>();
  await t.db.transaction().execute((trx) => ingestReleases(trx, RELEASES, { source: "test" }));
  const orgs = await t.db.selectFrom("organisations").select(["id", "identifier"]).execute();
  for (const o of orgs) ids.set((o.identifier ?? "").replace(/^P[SB]/, ""), o.id.toString());
  const groups: Array<[string, string, string | null, string]> = [
    ["G1", "Alpha Corp", "US", "S1"],
    ["G2", "Epsilon Trust Group", null, "S5"],
    ["G3", "Zeta Holdings plc", "GB", "S6"],
  ];
  for (const [key, name, country, member] of groups) {
    const g = await t.db.insertInto("org_groups").values({ key: `test:${key}`, name, country_code: country }).returning("id").executeTakeFirstOrThrow();
    groupIds.set(key, g.id.toString());
    await t.db.updateTable("organisations").set({ group_id: g.id }).where("id", "=", BigInt(ids.get(member)!)).execute();
  }
  // A write after the group change bumps the data version, so no cached figure predates the groups.
  await sql`update spend_version set version = version + 1`.execute(t.db);
  return { ids, groupIds };
}

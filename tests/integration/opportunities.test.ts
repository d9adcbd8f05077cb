/**
 * Opportunities (issue 6): open and upcoming tenders, filters, sorts, paging,
 * closing on the deadline without a restart, bad input, the Atom feed and the
 * buyer's SME track record — against PGlite, or PostgreSQL with TEST_DATABASE_URL.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitAward } from "../../app/domain/metrics/split";
import type { OcdsRelease } from "../../app/domain/types";
import { formatDateTime } from "../../app/lib/format";
import { ingestReleases } from "../../app/services/ingest.server";
import {
  buyerSmeTrackRecord,
  findOpportunities,
  getOpportunity,
  opportunitiesAtom,
  xmlEscape,
} from "../../app/services/opportunities.server";
import { BadRequest } from "../../app/services/register.server";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";
import { FEED_MAX_AGE, feedMaxAge, loader as feedLoader } from "../../app/routes/opportunities.feed[.]atom";

const TODAY = new Date("2025-05-01T00:00:00Z");
let t: TestDb;

const sp = (q: string) => new URLSearchParams(q);

/** Every row of a view, following the cursors. */
async function all(query: string, now = TODAY) {
  const out: Awaited<ReturnType<typeof findOpportunities>>["rows"] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page = await findOpportunities(t.db, sp(`${query}${cursor ? `&cursor=${cursor}` : ""}`), now, 40);
    out.push(...page.rows);
    cursor = page.next;
    if (!cursor) break;
  }
  return out;
}

const TRICKY_TITLE = `Cloud & data <platform> "phase 2" – Bob's\u0007 team`;

function tender(id: number, overrides: Record<string, unknown> = {}): OcdsRelease {
  const ocid = `ocds-opptest-${id}`;
  return {
    ocid,
    id: `${ocid}-1`,
    date: "2025-04-20T09:00:00Z",
    tag: ["tender"],
    initiationType: "tender",
    parties: [
      {
        id: "GB-GOR-OPPTEST",
        name: "Opportunity Test Council",
        identifier: { scheme: "GB-GOR", id: "OPPTEST" },
        roles: ["buyer"],
        address: { x_itl1: "TLD", countryName: "United Kingdom", postalCode: "M1 1AA" },
        contactPoint: { name: "Procurement team", email: "tenders@opptest.example" },
        details: { x_buyerType: "local" },
      },
    ],
    buyer: { id: "GB-GOR-OPPTEST", name: "Opportunity Test Council" },
    tender: {
      id: `${ocid}-t`,
      title: TRICKY_TITLE,
      description: "A platform for the council's data.",
      status: "active",
      procurementMethod: "open",
      value: { amount: 450_000, currency: "GBP" },
      items: [{ id: "1", classification: { scheme: "CPV", id: "72000000", description: "IT services" } }],
      tenderPeriod: { startDate: "2025-04-20T09:00:00Z", endDate: "2025-05-20T12:00:00Z" },
      enquiryPeriod: { endDate: "2025-05-10T12:00:00Z" },
      submissionMethodDetails: "https://tenders.opptest.example/respond/123",
      suitability: { sme: true, vcse: true },
      lots: [
        { id: "1", title: "Lot 1: platform", value: { amount: 300_000, currency: "GBP" }, status: "active" },
        { id: "2", title: "Lot 2: support", value: { amount: 150_000, currency: "GBP" }, status: "active" },
      ],
      documents: [{ id: "itt", documentType: "biddingDocuments", title: "Invitation to tender", url: "https://tenders.opptest.example/itt.pdf" }],
      ...overrides,
    },
  } as OcdsRelease;
}

beforeAll(async () => {
  t = await openTestDatabase("opportunities");
  await loadDemo(t.db, { contracts: 2_500, seed: 5, today: TODAY });
  await t.db.transaction().execute((trx) => ingestReleases(trx, [tender(1)], { source: "test" }));
}, 600_000);

afterAll(async () => {
  await t?.close();
});

describe(`opportunities (${process.env.TEST_DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("lists every open tender whose deadline is still ahead, and every upcoming one, and nothing else", async () => {
    const rows = await all("");
    const direct = await sql<{ ocid: string }>`
      select ocid from processes
      where (status = 'open' or status = 'planned') and (tender_deadline is null or tender_deadline > ${TODAY})
      order by ocid`.execute(t.db);
    expect(rows.map((r) => r.ocid).sort()).toEqual(direct.rows.map((r) => r.ocid));
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.some((r) => r.status === "planned")).toBe(true);
    const page = await findOpportunities(t.db, sp(""), TODAY);
    expect(page.count).toEqual({ count: rows.length, capped: false });
  });

  it("sorts by closing soonest by default, and by newest or value; pages without gaps or repeats", async () => {
    const closing = await all("");
    const deadlines = closing.map((r) => (r.tender_deadline ? new Date(r.tender_deadline).getTime() : Number.POSITIVE_INFINITY));
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
    const byValue = await all("sort=value");
    const values = byValue.map((r) => r.tender_value_pence ?? -1n);
    expect(values).toEqual([...values].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    const newest = await all("sort=newest");
    const dates = newest.map((r) => new Date(r.sort_date).getTime());
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    for (const list of [byValue, newest]) expect(new Set(list.map((r) => r.ocid)).size).toBe(closing.length);
  });

  it("drops a tender at its deadline without a restart: the same database, a later clock", async () => {
    const first = (await findOpportunities(t.db, sp("stage=open"), TODAY)).rows[0]!;
    const deadline = new Date(first.tender_deadline!);
    const justBefore = new Date(deadline.getTime() - 1_000);
    const atDeadline = deadline;
    expect((await all("stage=open", justBefore)).map((r) => r.ocid)).toContain(first.ocid);
    expect((await all("stage=open", atDeadline)).map((r) => r.ocid)).not.toContain(first.ocid);
  });

  it("filters by text, stage, category, region, value, deadline, suitability and lots", async () => {
    const everything = await all("");
    const check = async (query: string, keep: (r: (typeof everything)[number]) => boolean) => {
      const got = (await all(query)).map((r) => r.ocid).sort();
      const want = everything.filter(keep).map((r) => r.ocid).sort();
      expect(got, query).toEqual(want);
      return got;
    };
    expect((await check("stage=upcoming", (r) => r.status === "planned")).length).toBeGreaterThan(0);
    expect((await check("cpv=72", (r) => r.cpv?.startsWith("72") ?? false)).length).toBeGreaterThan(0);
    expect((await check("region=TLD", (r) => r.buyer_region === "TLD")).length).toBeGreaterThan(0);
    expect((await check("sme=yes", (r) => r.suitable_sme === true)).length).toBeGreaterThan(0);
    await check("vcse=yes", (r) => r.suitable_vcse === true);
    await check("lots=yes", (r) => r.lot_count > 0);
    expect((await check("minValue=100000&maxValue=500000", (r) => r.tender_value_pence !== null && r.tender_value_pence >= 10_000_000n && r.tender_value_pence <= 50_000_000n)).length).toBeGreaterThan(0);
    const to = "2025-05-20";
    await check(`deadlineTo=${to}`, (r) => r.tender_deadline !== null && new Date(r.tender_deadline) < new Date("2025-05-21T00:00:00Z"));
    await check("deadlineFrom=2025-06-01", (r) => r.tender_deadline !== null && new Date(r.tender_deadline) >= new Date("2025-06-01T00:00:00Z"));
    const mine = await all(`q=${encodeURIComponent("council data platform")}&cpv=72&region=TLD&maxValue=500000&sme=yes&lots=yes`);
    expect(mine.map((r) => r.ocid)).toEqual(["ocds-opptest-1"]);
    expect(mine[0]!.lot_count).toBe(2);
  });

  it("refuses bad input with a 400 naming each parameter", async () => {
    const errors = (q: string) =>
      findOpportunities(t.db, sp(q), TODAY).then(
        () => [],
        (e: unknown) => (e instanceof BadRequest ? e.errors.map((x) => x.param) : ["not a BadRequest"]),
      );
    expect(await errors("deadlineTo=next-week")).toEqual(["deadlineTo"]);
    expect(await errors("deadlineFrom=2025-02-30")).toEqual(["deadlineFrom"]);
    expect((await errors("minValue=-5&region=Mars")).sort()).toEqual(["minValue", "region"]);
    expect(await errors("deadline=2025-06-01")).toEqual(["deadline"]);
    expect((await errors("stage=closed&sort=cheapest")).sort()).toEqual(["sort", "stage"]);
    expect(await errors("buyer=999999999")).toEqual(["buyer"]);
    expect(await errors("cursor=not-a-cursor")).toEqual(["cursor"]);
  });

  it("shows one opportunity with lots, documents, key dates, how to respond and the buyer's record", async () => {
    const o = (await getOpportunity(t.db, "ocds-opptest-1", TODAY))!;
    expect(o.isOpen).toBe(true);
    expect(o.daysLeft).toBe(19);
    expect(o.state.tender.lots.map((l) => l.title)).toEqual(["Lot 1: platform", "Lot 2: support"]);
    expect(o.state.documents.map((d) => d.title)).toContain("Invitation to tender");
    expect(o.state.tender.submissionUrl).toBe("https://tenders.opptest.example/respond/123");
    expect(o.enquiryDeadline).toBe("2025-05-10T12:00:00Z");
    expect(o.contact.email).toBe("tenders@opptest.example");
    // A buyer with no awards has no SME record.
    expect(o.smeRecord?.available).toBe(false);
    expect(await getOpportunity(t.db, "ocds-nothing-here", TODAY)).toBeNull();
  });

  it("works out a buyer's SME share of awarded value as the metrics define it", async () => {
    const top = await sql<{ buyer_id: bigint }>`
      select buyer_id from processes where buyer_id is not null group by buyer_id order by count(*) desc limit 3`.execute(t.db);
    for (const { buyer_id } of top.rows) {
      const awards = await sql<{ ocid: string; award_id: string; value_pence: bigint | null; currency: string | null; status: string | null; pcur: string | null }>`
        select a.ocid, a.award_id, a.value_pence, a.currency, a.status, p.currency as pcur
        from awards a join processes p on p.ocid = a.ocid where p.buyer_id = ${buyer_id}`.execute(t.db);
      const suppliers = await sql<{ ocid: string; award_id: string; position: number; scale: string; published_value_pence: bigint | null }>`
        select s.ocid, s.award_id, s.position, s.scale, s.published_value_pence
        from award_suppliers s join processes p on p.ocid = s.ocid where p.buyer_id = ${buyer_id} order by s.position`.execute(t.db);
      let sme = 0n;
      let large = 0n;
      let unknown = 0n;
      const contracts = new Set<string>();
      for (const a of awards.rows) {
        if (a.value_pence === null || a.value_pence < 0n || (a.currency ?? a.pcur ?? "GBP").toUpperCase() !== "GBP") continue;
        if (a.status === "cancelled" || a.status === "unsuccessful") continue;
        const mine = suppliers.rows.filter((s) => s.ocid === a.ocid && s.award_id === a.award_id);
        if (mine.length) contracts.add(a.ocid);
        const parts = splitAward(a.value_pence, mine.map((s, i) => ({ key: String(i), valuePence: s.published_value_pence })));
        parts.forEach((part, i) => {
          const scale = mine[i]!.scale;
          if (["micro", "small", "medium", "sme"].includes(scale)) sme += part.valuePence;
          else if (scale === "large") large += part.valuePence;
          else unknown += part.valuePence;
        });
      }
      const record = await buyerSmeTrackRecord(t.db, buyer_id);
      expect(record).toMatchObject({ smeValuePence: sme, knownValuePence: sme + large, unknownValuePence: unknown, contracts: contracts.size });
      expect(record.available).toBe(sme + large > 0n);
      if (record.available) expect(record.share).toBeCloseTo(Number(sme) / Number(sme + large), 6);
    }
  });

  it("makes an Atom feed of a filtered view, escaping what must be escaped", async () => {
    const result = await findOpportunities(t.db, sp("region=TLD&sme=yes&maxValue=500000"), TODAY, 50);
    const xml = opportunitiesAtom({ origin: "https://register.example", filters: result.filters, rows: result.rows, now: TODAY, describeDate: formatDateTime });
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">')).toBe(true);
    expect(xml).toContain('<link rel="self" type="application/atom+xml" href="https://register.example/opportunities/feed.atom?region=TLD&amp;maxValue=500000&amp;sme=yes"/>');
    expect(xml).toContain('<link rel="alternate" type="text/html" href="https://register.example/opportunities?region=TLD&amp;maxValue=500000&amp;sme=yes"/>');
    expect(xml.match(/<entry>/g)?.length).toBe(result.rows.length);
    expect(xml).toContain(`<title>${xmlEscape(TRICKY_TITLE)}</title>`);
    expect(xml).toContain("<title>Cloud &amp; data &lt;platform&gt; &quot;phase 2&quot; – Bob&apos;s team</title>");
    expect(xml).not.toContain("\u0007");
    expect(xml).toContain('<link rel="alternate" type="text/html" href="https://register.example/opportunities/ocds-opptest-1"/>');
    // Every element opened is closed, in order.
    const stack: string[] = [];
    for (const m of xml.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
      if (m[3] === "/") continue;
      if (m[1] === "/") expect(stack.pop()).toBe(m[2]);
      else stack.push(m[2]!);
    }
    expect(stack).toEqual([]);
  });

  it("never lets a cache keep the feed past its earliest deadline", async () => {
    const first = (await findOpportunities(t.db, sp("stage=open"), TODAY, 50)).rows[0]!;
    const deadline = new Date(first.tender_deadline!).getTime();
    const maxAge = async (now: Date) => {
      const res = (await feedLoader({ request: new Request("https://register.example/opportunities/feed.atom?stage=open"), context: { readDb: t.db, db: t.db, now: () => now }, params: {} } as never)) as Response;
      expect(res.status).toBe(200);
      return /max-age=(\d+)/.exec(res.headers.get("Cache-Control") ?? "")?.[1];
    };
    // Ten seconds before the soonest deadline: ten seconds at most; far from it: five minutes.
    expect(await maxAge(new Date(deadline - 10_000))).toBe("10");
    expect(await maxAge(new Date(deadline - 10_000_000))).toBe(String(Math.min(FEED_MAX_AGE, 10_000)));
    // The pure rule: capped, never negative, undated entries ignored.
    const now = new Date("2025-05-01T12:00:00Z");
    expect(feedMaxAge([], now)).toBe(300);
    expect(feedMaxAge([null, "2025-05-01T12:01:00Z", new Date("2025-05-01T12:00:30.900Z")], now)).toBe(30);
    expect(feedMaxAge(["2025-05-01T11:59:00Z"], now)).toBe(0);
    expect(feedMaxAge(["2025-06-01T00:00:00Z"], now)).toBe(300);
  });

  it("gives an upcoming opportunity the planning notice's budget as its estimate", async () => {
    const ocid = "ocds-opptest-plan-1";
    const planning = {
      ocid,
      id: `${ocid}-1`,
      date: "2025-04-25T09:00:00Z",
      tag: ["planning"],
      initiationType: "tender",
      parties: tender(1).parties,
      buyer: tender(1).buyer,
      planning: { budget: { description: "Capital programme", amount: { amount: 320_000, currency: "GBP" } } },
      tender: { id: `${ocid}-t`, title: "Planned records platform", status: "planned", items: [{ id: "1", classification: { scheme: "CPV", id: "48000000" } }] },
    } as unknown as OcdsRelease;
    await t.db.transaction().execute((trx) => ingestReleases(trx, [planning], { source: "test" }));
    const rows = await all("stage=upcoming");
    const row = rows.find((r) => r.ocid === ocid);
    expect(row?.status).toBe("planned");
    expect(row?.tender_value_pence).toBe(32_000_000n);
    expect((await all("stage=upcoming&minValue=300000")).map((r) => r.ocid)).toContain(ocid);
  });
});

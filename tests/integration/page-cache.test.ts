/**
 * The page cache (app/server/page-cache.server.ts) on the real server: a kept
 * answer is replayed with the request's own nonce, is retired by any write the
 * moment it commits, is never used for signed-in requests, honours ETags, and
 * a list of open tenders is kept no longer than its next deadline.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OcdsRelease } from "../../app/domain/types";
import { parseEnv } from "../../app/env.server";
import { createApp } from "../../app/server/http.server";
import { ingestReleases } from "../../app/services/ingest.server";
import { loadDemo } from "../../seeds/load";
import { openTestDatabase, type TestDb } from "../setup/test-db";

const TODAY = new Date("2025-09-15T00:00:00Z");
let clock = new Date("2025-09-15T12:00:00Z");
let t: TestDb;
const servers: Server[] = [];

async function serve(env: Record<string, string> = {}): Promise<string> {
  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  const app = createApp({ db: t.db, env: parseEnv({ NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret-0123456789", ...env }), build, now: () => clock });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const nonceOf = (res: Response) => /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1] ?? "";

beforeAll(async () => {
  t = await openTestDatabase("page_cache");
  await loadDemo(t.db, { contracts: 300, seed: 3, today: TODAY });
});
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await t?.close();
});

describe("the page cache", () => {
  it("replays a page with this request's own nonce and request id", async () => {
    const base = await serve();
    const first = await fetch(`${base}/dashboards/sme`);
    const a = await first.text();
    expect(first.headers.get("x-page-cache")).toBe("miss");
    const second = await fetch(`${base}/dashboards/sme`);
    const b = await second.text();
    expect(second.headers.get("x-page-cache")).toBe("hit");
    const [na, nb] = [nonceOf(first), nonceOf(second)];
    expect(na).not.toBe("");
    expect(nb).not.toBe(na);
    expect(b).toContain(`nonce="${nb}"`);
    expect(b).not.toContain(na);
    expect(b.split(nb).join("N").split(second.headers.get("x-request-id")!).join("R")).toBe(
      a.split(na).join("N").split(first.headers.get("x-request-id")!).join("R"),
    );
  });

  it("is retired by a write the moment it commits", async () => {
    const base = await serve();
    const row = await t.db
      .selectFrom("processes")
      .select(["ocid", "current_value_pence"])
      .where("currency", "=", "GBP")
      .where("status", "=", "active")
      .where("current_value_pence", "is not", null)
      .orderBy("ocid")
      .executeTakeFirstOrThrow();
    const page = `${base}/contracts/${encodeURIComponent(row.ocid)}`;
    await fetch(page).then((r) => r.text());
    expect((await fetch(page)).headers.get("x-page-cache")).toBe("hit");

    const stored = await t.db.selectFrom("releases").select("data").where("ocid", "=", row.ocid).orderBy("date", "desc").executeTakeFirstOrThrow();
    const last = stored.data as unknown as OcdsRelease & { contracts?: Array<{ value?: { amount: number; currency: string } }> };
    const amended = structuredClone(last);
    amended.id = `${last.id}-cache-test`;
    amended.date = "2025-09-15T11:00:00Z";
    amended.tag = ["contractAmendment"];
    const newPounds = 98_765_432.1;
    amended.contracts![0]!.value = { amount: newPounds, currency: "GBP" };
    await t.db.transaction().execute((trx) => ingestReleases(trx, [amended], { source: "test" }));

    const after = await fetch(page);
    expect(after.headers.get("x-page-cache")).toBe("miss");
    expect(await after.text()).toContain("98,765,432");
  });

  it("never answers a signed-in request from the cache", async () => {
    const base = await serve();
    const headers = { cookie: "register_session=anything" };
    await fetch(`${base}/dashboards/consultancy`, { headers }).then((r) => r.text());
    const again = await fetch(`${base}/dashboards/consultancy`, { headers });
    expect(again.headers.get("x-page-cache")).toBeNull();
  });

  it("answers 304 from the cache when If-None-Match names the ETag", async () => {
    const base = await serve();
    const first = await fetch(`${base}/api/v1/contracts?buyerType=local`);
    await first.text();
    const etag = first.headers.get("etag");
    expect(etag).toBeTruthy();
    const again = await fetch(`${base}/api/v1/contracts?buyerType=local`, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get("x-page-cache")).toBe("hit");
  });

  it("keeps a list of open tenders no longer than its next deadline", async () => {
    const base = await serve();
    const list = `${base}/opportunities?stage=open&sort=closing`;
    const first = await (await fetch(list)).text();
    const next = await t.db
      .selectFrom("processes")
      .select(["ocid", "tender_deadline"])
      .where("status", "=", "open")
      .where("tender_deadline", ">", clock)
      .orderBy("tender_deadline")
      .orderBy("ocid")
      .executeTakeFirstOrThrow();
    expect(first).toContain(next.ocid);
    expect((await fetch(list)).headers.get("x-page-cache")).toBe("hit");
    clock = new Date(new Date(next.tender_deadline!).getTime() + 1000);
    const after = await fetch(list);
    expect(after.headers.get("x-page-cache")).toBe("miss");
    expect(await after.text()).not.toContain(`/opportunities/${next.ocid}"`);
  });

  it("is off with PAGE_CACHE=off", async () => {
    const base = await serve({ PAGE_CACHE: "off" });
    await fetch(`${base}/dashboards/concentration`).then((r) => r.text());
    expect((await fetch(`${base}/dashboards/concentration`)).headers.get("x-page-cache")).toBeNull();
  });
});

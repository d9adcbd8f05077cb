import { type Page, expect, test } from "@playwright/test";
import { formatPlotted } from "../../app/components/charts/format";
import { formatPounds } from "../../app/domain/money";
import { expectAccessible } from "../playwright-utils";

/** The text of each cell of a data table row, by series key or extra-column key. */
async function tableRows(page: Page, chartId: string) {
  const rows = page.getByTestId(`table-${chartId}`).locator("tbody tr");
  const n = await rows.count();
  const out: Array<{ x: string; cells: Record<string, string> }> = [];
  for (let i = 0; i < n; i++) {
    const row = rows.nth(i);
    const x = (await row.getAttribute("data-x")) ?? "";
    const cells: Record<string, string> = {};
    for (const cell of await row.locator("td[data-series], td[data-column]").all()) {
      const key = (await cell.getAttribute("data-series")) ?? (await cell.getAttribute("data-column")) ?? "";
      cells[key] = ((await cell.textContent()) ?? "").trim();
    }
    out.push({ x, cells });
  }
  return out;
}

/** Pence from "£1,234.56" (GBP rows only); null for "–" or another currency. */
function pence(text: string): bigint | null {
  const m = /^£([\d,]+)(?:\.(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  return BigInt(m[1]!.replace(/,/g, "")) * 100n + BigInt(m[2] ?? "0");
}

/** Sum of the Value column over every page of a register view. */
async function registerTotal(page: Page): Promise<{ total: bigint; rows: number }> {
  let total = 0n;
  let rows = 0;
  for (;;) {
    const body = page.getByTestId("results").locator("tbody tr");
    const n = await body.count();
    for (let i = 0; i < n; i++) {
      const v = pence((await body.nth(i).locator("td").nth(3).textContent()) ?? "");
      if (v !== null) total += v;
      rows++;
    }
    const next = page.getByRole("link", { name: /Next page/ });
    if ((await next.count()) === 0) break;
    await next.click();
    await page.waitForLoadState("domcontentloaded");
  }
  return { total, rows };
}

interface PledgeYearJson {
  fy: string;
  spendPence: string | null;
  trajectoryPence: string | null;
  onTrack: boolean | null;
  contracts: number;
  yearStatus: "complete" | "partial" | "committed";
  committedPence: string | null;
}

/** The "On track?" cell the page shows for an API year. */
function onTrackText(y: PledgeYearJson): string {
  if (y.yearStatus === "committed") return "Not yet spent";
  if (y.onTrack === null) return "–";
  const so = y.yearStatus === "partial" ? " so far" : "";
  return `${y.onTrack ? "On track" : "Not on track"}${so}`;
}

const money = (pence: string | null) => (pence === null ? "–" : formatPounds(BigInt(pence)));

test.describe("dashboards", () => {
  // Each test runs axe on several full pages; give them room on small machines.
  test.describe.configure({ timeout: 120_000 });

  test("home page shows this year's headline figures", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByTestId("headline-sme")).toContainText("%");
    await expect(page.getByTestId("headline-sme")).toContainText("target of 33%");
    await expect(page.getByTestId("headline-consultancy")).toContainText("consultancy spend in");
    await expect(page.getByTestId("headline-contracts")).toHaveText(/\d/);
    await expectAccessible(page);
  });

  test("every chart is in the server's HTML, visible without JavaScript", async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    for (const [path, id] of [
      ["/dashboards/sme", "sme-share-by-year"],
      ["/dashboards/consultancy", "consultancy-by-year"],
      ["/dashboards/concentration", "concentration-top"],
    ] as const) {
      await page.goto(path);
      const svg = page.getByTestId(`chart-${id}`).locator("svg.recharts-surface");
      await expect(svg).toBeVisible();
      expect(await svg.locator("rect, path").count()).toBeGreaterThan(3);
    }
    await context.close();
  });

  test("SME share: chart drawn on the server, table equals the API, bar leads to the register", async ({ page, request }) => {
    await page.goto("/dashboards/sme");
    const section = page.getByTestId("chart-sme-share-by-year");
    await expect(section.locator("svg.recharts-surface")).toBeVisible();
    expect(await section.locator("svg a[data-chart-link]").count()).toBeGreaterThan(3);
    await expectAccessible(page);

    const api = (await (await request.get("/api/v1/stats/sme-share")).json()) as {
      view: string;
      target: number;
      years: Array<{ fy: string; smeValuePence: string; knownValuePence: string; unknownValuePence: string; share: number | null; contracts: number }>;
    };
    expect(api.view).toBe("awarded");
    const rows = await tableRows(page, "sme-share-by-year");
    expect(rows.map((r) => r.x)).toEqual(api.years.map((y) => y.fy));
    rows.forEach((r, i) => {
      const y = api.years[i]!;
      expect(r.cells.share).toBe(y.share === null ? "–" : `${(Math.round(y.share * 10_000) / 100).toFixed(1)}%`);
      expect(r.cells.sme).toBe(formatPounds(BigInt(y.smeValuePence)));
      expect(r.cells.known).toBe(formatPounds(BigInt(y.knownValuePence)));
      expect(r.cells.unknown).toBe(formatPounds(BigInt(y.unknownValuePence)));
      expect(r.cells.contracts).toBe(y.contracts.toLocaleString("en-GB"));
    });

    // Every chart offers its CSV: exactly the plotted numbers.
    const csvHref = await section.getByRole("link", { name: /Download the data of this chart as CSV/ }).getAttribute("href");
    const csv = await (await request.get(csvHref!)).text();
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("Financial year,SME share (%)");
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(api.years.map((y) => y.fy));

    // A bar of the SME share chart opens the register for that year.
    const last = api.years[api.years.length - 2]!;
    await section.locator(`svg a[data-x="${last.fy}"]`).click();
    await expect(page).toHaveURL(new RegExp(`/contracts\\?fy=${last.fy}$`));
    await expect(page.getByTestId("result-count")).toBeVisible();
  });

  test("SME value chart: a bar click leads to a register view whose total equals the bar", async ({ page, request }) => {
    await page.goto("/dashboards/sme");
    const api = (await (await request.get("/api/v1/stats/sme-share")).json()) as {
      years: Array<{ fy: string; smeValuePence: string; knownValuePence: string; unknownValuePence: string; yearStatus: string; contracts: number }>;
    };
    // The latest complete year: the SME part of its bar.
    const year = [...api.years].reverse().find((y) => y.yearStatus === "complete" && BigInt(y.smeValuePence) > 0n)!;
    const table = await tableRows(page, "sme-value-by-year");
    expect(table.find((r) => r.x === year.fy)?.cells.sme).toBe(formatPounds(BigInt(year.smeValuePence)));
    const bar = page.getByTestId("chart-sme-value-by-year").locator(`svg a[data-chart-link="sme"][data-x="${year.fy}"]`);
    await expect(bar).toHaveAttribute("aria-label", new RegExp(`^${year.fy}, SMEs: ${formatPounds(BigInt(year.smeValuePence)).replace(/[.$]/g, "\\$&")}\\.`));
    await bar.click();
    await expect(page).toHaveURL(/\/contracts\?/);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ fy: year.fy, scale: "sme" });
    // The register states the part of its total that went to SMEs: the bar.
    await expect(page.getByTestId("result-total")).toHaveAttribute("data-pence", year.smeValuePence);
    await expect(page.getByTestId("result-total")).toContainText("Value to the suppliers selected");
    await expectAccessible(page);
  });

  test("consultancy: table equals the API, and a bar click leads to a register view whose total equals the bar", async ({ page, request }) => {
    await page.goto("/dashboards/consultancy");
    await expect(page.getByTestId("chart-consultancy-by-year").locator("svg.recharts-surface")).toBeVisible();
    await expect(page.getByTestId("baseline")).toContainText("£");
    await expect(page.getByTestId("status")).toBeVisible();
    await expectAccessible(page);
    const api = (await (await request.get("/api/v1/stats/consultancy")).json()) as {
      view: string;
      baselinePence: string | null;
      baselineTo: string;
      years: PledgeYearJson[];
    };
    expect(api.view).toBe("annualised");
    const rows = await tableRows(page, "consultancy-by-year");
    expect(rows.map((r) => r.x)).toEqual(api.years.map((y) => y.fy));
    rows.forEach((r, i) => {
      const y = api.years[i]!;
      // Measured spend (null: no data, or a later year), the trajectory and the on-track judgement, as the API gives them.
      expect(r.cells.spend, `${y.fy} spend`).toBe(money(y.spendPence));
      expect(r.cells.trajectory, `${y.fy} trajectory`).toBe(money(y.trajectoryPence));
      if (r.cells.committed !== undefined) expect(r.cells.committed, `${y.fy} committed`).toBe(money(y.committedPence));
      expect(r.cells.contracts).toBe(y.contracts.toLocaleString("en-GB"));
      expect(r.cells.onTrack).toBe(onTrackText(y));
    });
    // The line starts at the baseline in the last baseline year: the table and the API agree there too.
    expect(api.years.find((y) => y.fy === api.baselineTo)?.trajectoryPence).toBe(api.baselinePence);
    // Later years are never measured spend, never judged.
    for (const y of api.years.filter((x) => x.yearStatus === "committed")) expect([y.spendPence, y.onTrack]).toEqual([null, null]);

    // One buyer's consultancy, awarded view: few contracts per year, so the register lists them all.
    const top = page.getByTestId("consultancy-by-buyer").locator("tbody tr a").first();
    const buyerHref = (await top.getAttribute("href"))!;
    const buyer = new URL(buyerHref, "http://x").searchParams.get("buyer")!;
    await page.goto(`/dashboards/consultancy?view=awarded&buyer=${buyer}`);
    await expectAccessible(page);
    const buyerApi = (await (await request.get(`/api/v1/stats/consultancy?view=awarded&buyer=${buyer}`)).json()) as typeof api;
    const bars = buyerApi.years.filter((y) => y.contracts > 0 && y.spendPence !== null);
    expect(bars.length).toBeGreaterThan(0);
    const bar = bars.reduce((a, b) => (b.contracts > a.contracts ? b : a));
    const link = page.getByTestId("chart-consultancy-by-year").locator(`svg a[data-chart-link="spend"][data-x="${bar.fy}"]`);
    await expect(link).toHaveAttribute("aria-label", new RegExp(`${bar.fy}, Consultancy spend \\(measured\\): ${formatPounds(BigInt(bar.spendPence!)).replace(/[.$]/g, "\\$&")}`));
    await link.click();
    await expect(page).toHaveURL(/\/contracts\?/);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ buyer, consultancy: "yes", fy: bar.fy });
    const { total, rows: listed } = await registerTotal(page);
    expect(listed).toBeGreaterThanOrEqual(bar.contracts);
    expect(total).toBe(BigInt(bar.spendPence!));
    // The register states the same total itself.
    await page.goto(url.pathname + url.search);
    await expect(page.getByTestId("result-total")).toHaveAttribute("data-pence", bar.spendPence!);

    // Annualised view (the default): a bar leads to the contracts active in that year, valued at their part in it.
    await page.goto(`/dashboards/consultancy?buyer=${buyer}`);
    const annualApi = (await (await request.get(`/api/v1/stats/consultancy?buyer=${buyer}`)).json()) as typeof api;
    const annualBar = annualApi.years.filter((y) => y.contracts > 0 && y.spendPence !== null).reduce((a, b) => (b.contracts > a.contracts ? b : a));
    await page.getByTestId("chart-consultancy-by-year").locator(`svg a[data-chart-link="spend"][data-x="${annualBar.fy}"]`).click();
    await expect(page).toHaveURL(/\/contracts\?/);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ buyer, consultancy: "yes", activeFy: annualBar.fy });
    await expect(page.getByTestId("result-total")).toHaveAttribute("data-pence", annualBar.spendPence!);
    await expect(page.getByTestId("result-total")).toContainText(`Value in ${annualBar.fy} (annualised)`);
    await expectAccessible(page);
  });

  test("concentration: top-10 table equals the API, HHI by year is drawn, a bar opens the supplier's contracts", async ({ page, request }) => {
    await page.goto("/dashboards/concentration?fy=2023-24");
    for (const id of ["concentration-top", "concentration-hhi-by-year", "concentration-top-share-by-year"]) {
      await expect(page.getByTestId(`chart-${id}`).locator("svg.recharts-surface")).toBeVisible();
    }
    await expectAccessible(page);
    const api = (await (await request.get("/api/v1/stats/concentration?fy=2023-24")).json()) as {
      fy: string;
      totalPence: string;
      hhi: number;
      top: Array<{ id: string; name: string; valuePence: string; share: number }>;
    };
    expect(api.fy).toBe("2023-24");
    expect(api.top.length).toBe(10);
    const rows = await tableRows(page, "concentration-top");
    expect(rows.map((r) => r.x)).toEqual(api.top.map((t) => t.name));
    rows.forEach((r, i) => {
      expect(r.cells.value).toBe(formatPounds(BigInt(api.top[i]!.valuePence)));
      expect(r.cells.share).toBe(`${(api.top[i]!.share * 100).toFixed(1)}%`);
    });
    await expect(page.getByTestId("hhi")).toHaveText(api.hhi.toLocaleString("en-GB", { maximumFractionDigits: 1 }));
    await page.getByTestId("chart-concentration-top").locator("svg a[data-chart-link]").first().click();
    await expect(page).toHaveURL(new RegExp(`/contracts\\?supplier=${api.top[0]!.id}&fy=2023-24$`));
    // The register states the part of its contracts' value that went to that supplier: the bar.
    await expect(page.getByTestId("result-total")).toHaveAttribute("data-pence", api.top[0]!.valuePence);
    await expect(page.getByTestId("result-total")).toContainText(formatPounds(BigInt(api.top[0]!.valuePence)));

    // HHI by year, every year: the table is the API's figures.
    await page.goto("/dashboards/concentration");
    const all = (await (await request.get("/api/v1/stats/concentration")).json()) as {
      years: Array<{ fy: string; totalPence: string; hhi: number; suppliers: number; contracts: number; highlyConcentrated: boolean }>;
    };
    const hhiRows = await tableRows(page, "concentration-hhi-by-year");
    expect(hhiRows.map((r) => r.x)).toEqual(all.years.map((y) => y.fy));
    expect(hhiRows.length).toBeGreaterThan(3);
    hhiRows.forEach((r, i) => {
      const y = all.years[i]!;
      expect(r.cells.hhi, y.fy).toBe(formatPlotted(Math.round(y.hhi * 10) / 10, "index"));
      expect(r.cells.total).toBe(formatPounds(BigInt(y.totalPence)));
      expect(r.cells.suppliers).toBe(y.suppliers.toLocaleString("en-GB"));
      expect(r.cells.contracts).toBe(y.contracts.toLocaleString("en-GB"));
      expect(r.cells.level).toBe(y.highlyConcentrated ? "Highly concentrated" : "Not highly concentrated");
    });

    await page.goto("/dashboards/concentration?by=group&view=annualised");
    await expect(page.getByTestId("chart-concentration-top").locator("svg.recharts-surface")).toBeVisible();
    await expectAccessible(page);
  });

  test("refs=show draws the manifesto's figure as a labelled reference line, never as a measured value", async ({ page, request }) => {
    await page.goto("/dashboards/consultancy?refs=show");
    const chart = page.getByTestId("chart-consultancy-by-year");
    const label = "Reference: baseline implied by the Labour manifesto (about £1.49bn a year)";
    // On the chart itself: the dashed line and its label, drawn in the SVG.
    const svg = chart.locator("svg.recharts-surface");
    await expect(svg.locator("text", { hasText: label })).toHaveCount(1);
    await expect(svg.locator(".recharts-reference-line")).toHaveCount(2); // the manifesto's baseline and HM Treasury's 2022-23 estimate
    await expect(chart.locator(".app-chart-legend")).toContainText(label);
    await expect(chart.locator("figcaption")).toContainText("external reference figures, not measured values");
    // Not a measured value: the API's measured years never carry it, and the table has no such column.
    const api = (await (await request.get("/api/v1/stats/consultancy?refs=show")).json()) as {
      referenceLines: Array<{ id: string; kind: string; label: string; pence: string }>;
      years: PledgeYearJson[];
    };
    const manifesto = api.referenceLines.find((r) => r.id === "manifesto-baseline")!;
    expect(manifesto).toMatchObject({ kind: "reference", label, pence: "149000000000" });
    expect(api.years.some((y) => y.spendPence === manifesto.pence)).toBe(false);
    await expectAccessible(page);
    // Asked to hide them, the chart draws none.
    await page.goto("/dashboards/consultancy?refs=hide");
    await expect(page.getByTestId("chart-consultancy-by-year").locator("svg text", { hasText: "Reference:" })).toHaveCount(0);
  });

  test("buyers: list, profile with its trends, and contract list", async ({ page }) => {
    await page.goto("/buyers");
    await expect(page.getByTestId("buyers").locator("tbody tr").first()).toBeVisible();
    await expectAccessible(page);
    await page.getByTestId("buyers").locator("tbody tr a").first().click();
    await expect(page).toHaveURL(/\/buyers\/\d+$/);
    await expect(page.getByTestId("chart-buyer-spend-by-year").locator("svg.recharts-surface")).toBeVisible();
    await expect(page.getByTestId("recent-contracts").locator("tbody tr").first()).toBeVisible();
    await expectAccessible(page);
  });

  test("suppliers: list, profile with its trend, buyers and contract list", async ({ page }) => {
    await page.goto("/suppliers");
    await expect(page.getByTestId("suppliers").locator("tbody tr").first()).toBeVisible();
    await expectAccessible(page);
    await page.getByTestId("suppliers").locator("tbody tr a").first().click();
    await expect(page).toHaveURL(/\/suppliers\/\d+$/);
    await expect(page.getByTestId("chart-supplier-value-by-year").locator("svg.recharts-surface")).toBeVisible();
    await expect(page.getByTestId("supplier-buyers").locator("tbody tr").first()).toBeVisible();
    await expectAccessible(page);
  });

  test("methodology lists the definitions, the settings in force, the red-flag rules and the sector rule", async ({ page }) => {
    await page.goto("/methodology");
    await expect(page.getByRole("heading", { name: "SME share and target" })).toBeVisible();
    await expect(page.getByTestId("settings")).toContainText("33%");
    await expect(page.getByTestId("settings")).toContainText("2017-18 to 2022-23");
    await expect(page.getByTestId("flag-rules")).toContainText("Single bid");
    await expect(page.getByTestId("flag-rules")).toContainText("25");
    await expect(page.getByTestId("sector-rule")).toContainText("Policing");
    await expectAccessible(page);
  });

  test("bad input: a 400 naming the parameter, as a page and as problem+json", async ({ page, request }) => {
    let res = await page.goto("/dashboards/sme?from=2024");
    expect(res?.status()).toBe(400);
    await expect(page.locator("main")).toContainText("from");
    await expectAccessible(page);
    res = await page.goto("/dashboards/consultancy?from=2024-25&to=2020-21");
    expect(res?.status()).toBe(400);
    await expect(page.locator("main")).toContainText("must not be after");
    res = await page.goto("/dashboards/concentration?buyer=99999999");
    expect(res?.status()).toBe(400);
    await expect(page.locator("main")).toContainText("buyer");
    const api = await request.get("/api/v1/stats/sme-share?to=2024-2025");
    expect(api.status()).toBe(400);
    expect(api.headers()["content-type"]).toContain("application/problem+json");
    const body = (await api.json()) as { errors: Array<{ param: string }> };
    expect(body.errors.map((e) => e.param)).toEqual(["to"]);
  });

  test("a buyer with nothing in range shows an empty state, not a chart of zeros", async ({ page }) => {
    await page.goto("/buyers");
    const href = (await page.getByTestId("buyers").locator("tbody tr a").first().getAttribute("href"))!;
    const id = href.split("/").pop()!;
    for (const path of ["/dashboards/sme", "/dashboards/consultancy", "/dashboards/concentration"]) {
      await page.goto(`${path}?buyer=${id}&from=2010-11&to=2011-12`);
      await expect(page.getByTestId("empty-state")).toBeVisible();
      expect(await page.locator("svg.recharts-surface").count()).toBe(0);
    }
    await page.goto(`/buyers/${id}?from=2010-11&to=2011-12`);
    await expect(page.getByTestId("empty-state")).toBeVisible();
    await expectAccessible(page);
  });
});

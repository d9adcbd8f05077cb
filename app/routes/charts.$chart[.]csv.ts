import type { LoaderFunctionArgs } from "@remix-run/node";
import { chartCsv } from "../components/charts/csv";
import { problemResponse } from "../lib/http.server";
import { BadRequest } from "../services/register.server";
import { metricsConfigOf } from "../services/metrics-config.server";
import { chartById } from "../services/stats.server";
import { policyChartById } from "../services/stats-policy.server";

/**
 * GET /charts/<chart id>.csv?<the page's filters>: exactly the numbers the
 * chart plots, built by the same service call as the page.
 */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const id = params.chart ?? "";
  if (!/^[a-z0-9-]{1,60}$/.test(id)) throw new Response("No such chart", { status: 404 });
  try {
    const sp = new URL(request.url).searchParams;
    const chart = (await policyChartById(context.readDb, id, sp)) ?? (await chartById(context.readDb, id, sp, context.now(), metricsConfigOf(context)));
    if (!chart) throw new Response("No such chart", { status: 404 });
    return new Response(chartCsv(chart), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${id}.csv"`,
        "Cache-Control": "public, max-age=60",
      },
    });
  } catch (e) {
    if (e instanceof BadRequest) return problemResponse(400, "Bad request", e.errors);
    throw e;
  }
}

import type { LoaderFunctionArgs } from "@remix-run/node";
import { jsonResponse, problemResponse } from "../lib/http.server";
import { BadRequest } from "../services/register.server";
import { metricsConfigOf } from "../services/metrics-config.server";
import { concentrationApi } from "../services/stats.server";

/** GET /api/v1/stats/concentration?fy=FY&by=supplier|group&view=awarded|annualised&buyer=ID (also from, to, buyerType, cpv). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  try {
    const body = await concentrationApi(context.readDb, new URL(request.url).searchParams, { config: metricsConfigOf(context), now: context.now() });
    return jsonResponse(body, { headers: { "Cache-Control": "public, max-age=60" } });
  } catch (e) {
    if (e instanceof BadRequest) return problemResponse(400, "Bad request", e.errors);
    throw e;
  }
}

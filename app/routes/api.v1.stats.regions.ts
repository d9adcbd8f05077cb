import type { LoaderFunctionArgs } from "@remix-run/node";
import { jsonResponse, problemResponse } from "../lib/http.server";
import { BadRequest } from "../services/register.server";
import { regionsApi } from "../services/stats-policy.server";

/** GET /api/v1/stats/regions?from=FY&to=FY&fy=FY&buyerType=&cpv=&region=TLC…TLN (buyer's region) */
export async function loader({ request, context }: LoaderFunctionArgs) {
  try {
    const body = await regionsApi(context.readDb, new URL(request.url).searchParams);
    return jsonResponse(body, { headers: { "Cache-Control": "public, max-age=60" } });
  } catch (e) {
    if (e instanceof BadRequest) return problemResponse(400, "Bad request", e.errors);
    throw e;
  }
}

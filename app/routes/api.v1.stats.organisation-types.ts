import type { LoaderFunctionArgs } from "@remix-run/node";
import { jsonResponse, problemResponse } from "../lib/http.server";
import { BadRequest } from "../services/register.server";
import { organisationTypesApi } from "../services/stats-policy.server";

/** GET /api/v1/stats/organisation-types?from=FY&to=FY&fy=FY&buyerType=&cpv=&type=company|vcse|cooperative|public|unknown */
export async function loader({ request, context }: LoaderFunctionArgs) {
  try {
    const body = await organisationTypesApi(context.readDb, new URL(request.url).searchParams);
    return jsonResponse(body, { headers: { "Cache-Control": "public, max-age=60" } });
  } catch (e) {
    if (e instanceof BadRequest) return problemResponse(400, "Bad request", e.errors);
    throw e;
  }
}

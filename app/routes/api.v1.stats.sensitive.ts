import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiAction, apiProblem, apiResponse } from "../lib/api.server";
import { BadRequest } from "../services/register.server";
import { sensitiveApi } from "../services/sensitive.server";

/**
 * GET /api/v1/stats/sensitive?sector=&buyer=&buyerType=&cpv=&fy=&transparency=
 * — the sensitive-sector register's figures by sector and by buyer (money as
 * strings of pence). Unknown sector codes, other bad values and unknown
 * parameters: 400 problem+json naming the parameter.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  try {
    const body = await sensitiveApi(context.readDb, new URL(request.url).searchParams);
    return apiResponse(request, body);
  } catch (e) {
    if (e instanceof BadRequest) return apiProblem(400, "Bad request", e.errors);
    throw e;
  }
}

/** OPTIONS (CORS preflight) → 204; other methods → 405. */
export const action = ({ request }: ActionFunctionArgs) => apiAction(request);

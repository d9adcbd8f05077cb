/** GET /api/v1/suppliers?<register filters>&limit=&cursor= — suppliers with contracts in the view; see app/services/api.server.ts. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiAction, apiProblem, apiResponse } from "../lib/api.server";
import { organisationsApi } from "../services/api.server";
import { BadRequest } from "../services/register.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  try {
    const body = await organisationsApi(context.readDb, "supplier", url.searchParams, context.now(), url.origin);
    return apiResponse(request, body, { headers: body.links.next ? { Link: `<${body.links.next}>; rel="next"` } : {} });
  } catch (e) {
    if (e instanceof BadRequest) return apiProblem(400, "Bad request", e.errors);
    throw e;
  }
}

export const action = ({ request }: ActionFunctionArgs) => apiAction(request);

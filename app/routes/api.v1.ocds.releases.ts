/** GET /api/v1/ocds/releases?<register filters>&limit=&cursor= — an OCDS release package; see app/services/ocds-export.server.ts. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiAction, apiProblem, apiResponse } from "../lib/api.server";
import { releasePackage } from "../services/ocds-export.server";
import { BadRequest } from "../services/register.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  try {
    const pkg = await releasePackage(context.readDb, url.searchParams, url.origin, context.now());
    const next = (pkg.links as { next?: string }).next;
    return apiResponse(request, pkg, { headers: next ? { Link: `<${next}>; rel="next"` } : {} });
  } catch (e) {
    if (e instanceof BadRequest) return apiProblem(400, "Bad request", e.errors);
    throw e;
  }
}

export const action = ({ request }: ActionFunctionArgs) => apiAction(request);

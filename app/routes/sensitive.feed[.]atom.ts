/**
 * GET /sensitive/feed.atom?<sensitive-register filters> — an Atom feed of the
 * view's 50 most recently changed contracts. Bad parameters: 400 problem+json.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiAction, apiProblem, apiResponse } from "../lib/api.server";
import { BadRequest } from "../services/register.server";
import { sensitiveFeed } from "../services/sensitive.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  try {
    const xml = await sensitiveFeed(context.readDb, url.searchParams, url.origin, context.now());
    return apiResponse(request, xml, { contentType: "application/atom+xml; charset=utf-8", cacheControl: "public, max-age=300" });
  } catch (e) {
    if (e instanceof BadRequest) return apiProblem(400, "The feed could not be made because of these parameters", e.errors);
    throw e;
  }
}

/** OPTIONS (CORS preflight) → 204; other methods → 405. */
export const action = ({ request }: ActionFunctionArgs) => apiAction(request);

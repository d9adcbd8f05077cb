/**
 * GET /opportunities/feed.atom?… — an Atom 1.0 feed of any filtered view of
 * /opportunities (same filters and sort; the first 50 entries), so a supplier
 * can subscribe to "IT tenders in the North West under £500k suitable for
 * SMEs". Bad parameters: 400 application/problem+json naming each one.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { problemResponse } from "../lib/http.server";
import { formatDateTime } from "../lib/format";
import { findOpportunities, opportunitiesAtom } from "../services/opportunities.server";
import { BadRequest } from "../services/register.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const now = context.now();
  try {
    const result = await findOpportunities(context.readDb, url.searchParams, now, 50);
    const xml = opportunitiesAtom({ origin: url.origin, filters: result.filters, rows: result.rows, now, describeDate: formatDateTime });
    return new Response(xml, {
      status: 200,
      headers: {
        "Content-Type": "application/atom+xml; charset=utf-8",
        "Cache-Control": "public, max-age=300",
      },
    });
  } catch (e) {
    if (e instanceof BadRequest) return problemResponse(400, "The feed could not be made because of these parameters", e.errors);
    throw e;
  }
}

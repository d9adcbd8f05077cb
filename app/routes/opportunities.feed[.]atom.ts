/**
 * GET /opportunities/feed.atom?… — an Atom 1.0 feed of any filtered view of
 * /opportunities (same filters and sort; the first 50 entries), so a supplier
 * can subscribe to "IT tenders in the North West under £500k suitable for
 * SMEs". Bad parameters: 400 application/problem+json naming each one.
 * Cached for at most five minutes, and never past the earliest deadline in
 * the feed (a closed tender must not linger in a cache).
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { problemResponse } from "../lib/http.server";
import { formatDateTime } from "../lib/format";
import { findOpportunities, opportunitiesAtom } from "../services/opportunities.server";
import { BadRequest } from "../services/register.server";

/** How long a feed may be cached at most (seconds). */
export const FEED_MAX_AGE = 300;

/**
 * The feed's cache lifetime: FEED_MAX_AGE, capped at the seconds until the
 * earliest submission deadline among its entries (at least 0), so no cache
 * keeps showing a tender after it has closed.
 */
export function feedMaxAge(deadlines: ReadonlyArray<Date | string | null>, now: Date, cap = FEED_MAX_AGE): number {
  let age = cap;
  for (const d of deadlines) {
    if (d === null) continue;
    const ms = new Date(d).getTime() - now.getTime();
    if (Number.isNaN(ms)) continue;
    age = Math.min(age, Math.max(0, Math.floor(ms / 1000)));
  }
  return age;
}

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
        "Cache-Control": `public, max-age=${feedMaxAge(result.rows.map((r) => r.tender_deadline), now)}`,
      },
    });
  } catch (e) {
    if (e instanceof BadRequest) return problemResponse(400, "The feed could not be made because of these parameters", e.errors);
    throw e;
  }
}

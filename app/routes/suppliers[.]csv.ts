/**
 * GET /suppliers.csv?<the /suppliers parameters> — every supplier /suppliers lists for the same
 * parameters, as CSV, streamed page by page (not just the page on screen).
 * Bad parameters: 400 problem+json naming them.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiAction, apiProblem, apiStream } from "../lib/api.server";
import { suppliersCsv } from "../services/downloads.server";
import { BadRequest } from "../services/register.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  try {
    const { stream, filename } = await suppliersCsv(context.readDb, url.searchParams, url.origin);
    return apiStream(stream, { contentType: "text/csv; charset=utf-8", filename, cacheControl: "public, max-age=300" });
  } catch (e) {
    if (e instanceof BadRequest) return apiProblem(400, "The download could not be made because of these parameters", e.errors);
    throw e;
  }
}

/** OPTIONS (CORS preflight) → 204; other methods → 405. */
export const action = ({ request }: ActionFunctionArgs) => apiAction(request);

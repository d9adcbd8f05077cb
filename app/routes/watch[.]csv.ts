/**
 * GET /watch.csv?… — every contract /watch lists for the same filters, as CSV
 * (one row per contract, its flags separated by ";", money in pence and in
 * pounds), streamed in batches. Bad parameters: 400 problem+json.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { stringify } from "csv-stringify/sync";
import { problemResponse } from "../lib/http.server";
import { parseWatchFilters, watchCsvRows } from "../services/flags.server";
import { BadRequest } from "../services/register.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  let filters: ReturnType<typeof parseWatchFilters>;
  try {
    filters = parseWatchFilters(url.searchParams);
  } catch (e) {
    if (e instanceof BadRequest) return problemResponse(400, "The download could not be made because of these parameters", e.errors);
    throw e;
  }
  const rows = watchCsvRows(context.readDb, filters, url.origin);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const batch: string[][] = [];
      for (let i = 0; i < 500; i++) {
        const next = await rows.next();
        if (next.done) break;
        batch.push(next.value);
      }
      if (batch.length > 0) controller.enqueue(encoder.encode(stringify(batch)));
      if (batch.length < 500) controller.close();
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  const name = `red-flags${filters.flag ? `-${filters.flag}` : ""}.csv`;
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
    },
  });
}

/** GET /api/v1/ocds/releases.jsonl — every release, one per line, streamed; see app/services/ocds-export.server.ts. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiAction, apiProblem, apiStream, unknownParams } from "../lib/api.server";
import { releaseDump } from "../services/ocds-export.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const errors = unknownParams(new URL(request.url).searchParams, []);
  if (errors.length) return apiProblem(400, "Bad request", errors.map((e) => ({ ...e, message: "unknown parameter; the full dump takes none" })));
  return apiStream(releaseDump(context.readDb), { contentType: "application/x-ndjson; charset=utf-8", filename: "releases.jsonl", cacheControl: "public, max-age=300" });
}

export const action = ({ request }: ActionFunctionArgs) => apiAction(request);

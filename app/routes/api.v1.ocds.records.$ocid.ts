/** GET /api/v1/ocds/records/:ocid — an OCDS record package (the releases and the compiled release). */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiAction, apiProblem, apiResponse } from "../lib/api.server";
import { recordPackage } from "../services/ocds-export.server";

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const ocid = params.ocid ?? "";
  const pkg = await recordPackage(context.readDb, ocid, new URL(request.url).origin, context.now());
  if (!pkg) return apiProblem(404, "Not found", [], `no contracting process with ocid ${ocid.slice(0, 200)}`);
  return apiResponse(request, pkg);
}

export const action = ({ request }: ActionFunctionArgs) => apiAction(request);

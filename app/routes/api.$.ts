/**
 * Any other path under /api/ (an unknown endpoint, a typo, a retired version):
 * 404 application/problem+json (RFC 9457), whatever the method, never the
 * HTML "page not found" that people get.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiProblem } from "../lib/api.server";

function notFound(request: Request): Response {
  const path = new URL(request.url).pathname.slice(0, 200);
  return apiProblem(404, "Not found", [], `There is no API endpoint at ${path}. The endpoints are listed in /api/v1/openapi.json and explained at /api.`);
}

export const loader = ({ request }: LoaderFunctionArgs) => notFound(request);
export const action = ({ request }: ActionFunctionArgs) => notFound(request);

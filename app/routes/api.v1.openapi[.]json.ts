/** GET /api/v1/openapi.json — the API described in OpenAPI 3.1, generated from the zod schemas that check the parameters. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiAction, apiResponse } from "../lib/api.server";
import { openApiDocument } from "../services/openapi.server";

export function loader({ request }: LoaderFunctionArgs) {
  return apiResponse(request, openApiDocument(new URL(request.url).origin), { cacheControl: "public, max-age=3600" });
}

export const action = ({ request }: ActionFunctionArgs) => apiAction(request);

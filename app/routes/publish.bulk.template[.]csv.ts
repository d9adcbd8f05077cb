import type { LoaderFunctionArgs } from "@remix-run/node";
import { templateCsv } from "../domain/notices/bulk";
import { requireUser } from "../services/auth.server";

/** The CSV template for bulk upload of awards and contracts: the header row, UTF-8 with a byte-order mark for spreadsheets. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  return new Response(`\uFEFF${templateCsv()}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="awards-and-contracts-template.csv"',
      "Cache-Control": "private, max-age=3600",
    },
  });
}

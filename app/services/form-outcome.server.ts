/**
 * Whether this request's form post was refused (a 4xx answer with its
 * errors), for the page's document title ("Error: …", GOV.UK pattern).
 *
 * Remix gives a route's `meta` its loader data, not its action data. The
 * forms here are plain HTML forms, so a post is one document request: the
 * action runs, then the loaders, with the same load context. The action
 * notes a refusal against that context; the loader reports it in its data.
 */
import type { AppLoadContext } from "@remix-run/node";

const refused = new WeakSet<object>();

function statusOf(result: unknown): number {
  if (result instanceof Response) return result.status;
  if (result && typeof result === "object" && (result as { type?: unknown }).type === "DataWithResponseInit") {
    return (result as { init?: { status?: number } | null }).init?.status ?? 200;
  }
  return 200;
}

/** Run an action; when it answers 4xx (the page shows its errors), note it for this request's loaders. */
export async function trackFormOutcome<T>(context: AppLoadContext, run: () => Promise<T>): Promise<T> {
  const result = await run();
  const status = statusOf(result);
  if (status >= 400 && status < 500) refused.add(context);
  return result;
}

/** Whether this request's action refused the form (false on a plain GET). */
export function formRefused(context: AppLoadContext): boolean {
  return refused.has(context);
}

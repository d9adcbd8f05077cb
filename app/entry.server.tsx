import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { NonceProvider } from "./lib/nonce";
import { isDatabaseDown } from "./server/db-errors.server";
import { type Logger, createLogger } from "./server/logger.server";
import { requestStore } from "./server/request-context.server";

const ABORT_DELAY = 10_000;

const unavailablePage = (requestId: string) => `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Temporarily unavailable – Public Tech Procurement Register</title><link rel="stylesheet" href="/assets/app.css?v=1"></head>
<body class="govuk-template__body"><div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">
<h1 class="govuk-heading-l">The register is temporarily unavailable</h1>
<p class="govuk-body">Its database is not answering. Nothing published has been lost. Try again in a few minutes.</p>
<p class="govuk-body-s">Request id ${requestId}</p></main></div></body></html>`;

// Without a server logger in the load context (a bare test server): errors still go out as JSON lines.
let fallbackLogger: Logger | null = null;

/** The server's pino logger (handed over in the load context), so errors share its format and destination. */
function loggerOf(context: unknown): Logger {
  const logger = (context as { logger?: Logger } | undefined)?.logger;
  if (logger) return logger;
  fallbackLogger ??= createLogger("error");
  return fallbackLogger;
}

function logError(context: unknown, request: Request, error: unknown): void {
  const requestId = (context as { requestId?: string } | undefined)?.requestId ?? requestStore.getStore()?.requestId;
  const path = new URL(request.url).pathname;
  // A 4xx the router raised itself (no route matched, no action): the request's log line says enough.
  if (isRouteErrorResponse(error) && error.status < 500) return;
  const err = error instanceof Error ? error : isRouteErrorResponse(error) ? { status: error.status, statusText: error.statusText } : String(error);
  loggerOf(context).error({ requestId, path, err });
}

/** Errors are logged once, with the request id the error page shows. */
export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  const store = requestStore.getStore();
  if (store && isDatabaseDown(error)) store.dbDown = true;
  logError(context, request, error);
};

/**
 * Render the whole document before sending it (onAllReady): every page is a
 * complete HTML page that works without JavaScript, charts included.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const store = requestStore.getStore();
  if (store?.dbDown) {
    responseHeaders.set("Content-Type", "text/html; charset=utf-8");
    responseHeaders.set("Retry-After", "30");
    return new Response(unavailablePage(store.requestId), { status: 503, headers: responseHeaders });
  }
  const nonce = (loadContext as { nonce?: string }).nonce;
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) logError(loadContext, request, error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

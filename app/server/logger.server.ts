/** Structured JSON logs (pino): one line per request, errors with the request id. */
import pino from "pino";

export function createLogger(level: string) {
  return pino({
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
export type Logger = ReturnType<typeof createLogger>;

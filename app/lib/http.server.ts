/** JSON and problem+json responses; bigint pence are written as strings. */
import type { ParamError } from "./params";
import { problem } from "./params";
import { toJsonText } from "../domain/state-json";

export function jsonResponse(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json; charset=utf-8");
  headers.set("Access-Control-Allow-Origin", "*");
  return new Response(toJsonText(data), { ...init, headers });
}

export function problemResponse(status: number, title: string, errors: ParamError[] = [], detail?: string): Response {
  return new Response(JSON.stringify(problem(status, title, errors, detail)), {
    status,
    headers: { "Content-Type": "application/problem+json", "Access-Control-Allow-Origin": "*" },
  });
}

/**
 * Shared material for the import/export/API tests: the real OCDS files in
 * ../shared/data/real (read, never copied), temp folders, a loopback HTTP
 * server, and a loader context for calling route loaders directly.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { randomBytes } from "node:crypto";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Migrator } from "kysely";
import pg from "pg";
import { type DB, openDatabase } from "../../db/client";
import { migrations } from "../../db/migrations/index";
import { type TestDb, openTestDatabase } from "../setup/test-db";

export const SHARED = path.resolve(process.cwd(), "../shared/data");
export const REAL = path.join(SHARED, "real");
export const SCHEMA_DIR = path.join(SHARED, "ocds-schema");
export const REAL_FOLDERS = ["cf-2015-ocp-sample", "cf-2022-search-pages", "cf-2025-03-releases", "contracts-finder", "pcs-scotland-2019"] as const;

export type Json = Record<string, unknown>;

export interface RealRelease {
  folder: string;
  file: string;
  index: number;
  release: Json;
}

/** Every release in the real files, in the order the importer reads them (folders, then files, sorted). */
export function realReleases(folders: readonly string[] = REAL_FOLDERS): RealRelease[] {
  const out: RealRelease[] = [];
  for (const folder of [...folders].sort()) {
    for (const file of readdirSync(path.join(REAL, folder)).filter((f) => f.endsWith(".json")).sort()) {
      const j = JSON.parse(readFileSync(path.join(REAL, folder, file), "utf8")) as Json;
      const list = Array.isArray(j.releases) ? (j.releases as Json[]) : [j];
      list.forEach((release, index) => {
        out.push({ folder, file, index, release });
      });
    }
  }
  return out;
}

export function tempDir(label: string): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `register-${label}-`));
  return { dir, file: (name) => path.join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeJsonLines(file: string, releases: unknown[], gzip = false): void {
  const text = `${releases.map((r) => JSON.stringify(r)).join("\n")}\n`;
  writeFileSync(file, gzip ? gzipSync(text) : text);
}

/** Copies of releases with fresh ocids and ids (suffix `-c<n>`); releases without an id stay without. */
export function freshCopies(releases: Json[], copies: number, tag = "c"): Json[] {
  const out: Json[] = [];
  for (let c = 0; c < copies; c++) {
    for (const r of releases) {
      const copy: Json = { ...r, ocid: `${String(r.ocid)}-${tag}${c}` };
      if (r.id !== undefined) copy.id = `${String(r.id)}-${tag}${c}`;
      out.push(copy);
    }
  }
  return out;
}

export interface Served {
  url: string;
  hits: string[];
  close: () => Promise<void>;
}

/** A loopback HTTP server; `handler` answers each request. */
export async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, origin: string) => void | Promise<void>): Promise<Served> {
  const hits: string[] = [];
  let origin = "";
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? "");
    Promise.resolve(handler(req, res, origin)).catch((e) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serve these releases as release packages of `pageSize`, linked by `links.next` (as Contracts Finder's Search API pages). */
export function pagedPackages(releases: Json[], pageSize: number, pathName = "/ocds/search") {
  const pages = Math.max(1, Math.ceil(releases.length / pageSize));
  return {
    pages,
    page(origin: string, n: number) {
      const next = n < pages ? `${origin}${pathName}?page=${n + 1}` : undefined;
      return {
        uri: `${origin}${pathName}?page=${n}`,
        version: "1.1",
        publishedDate: "2022-10-22T00:00:00Z",
        publisher: { name: "Test publisher" },
        license: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        releases: releases.slice((n - 1) * pageSize, n * pageSize),
        ...(next ? { links: { next } } : {}),
      };
    },
  };
}

/** A loader context as the HTTP server builds it. */
export function loaderArgs(db: DB, url: string, params: Record<string, string> = {}, init: RequestInit = {}): LoaderFunctionArgs {
  return {
    request: new Request(url, init),
    params,
    context: { db, readDb: db, env: {}, now: () => new Date() },
  } as unknown as LoaderFunctionArgs;
}

/** Call a route loader and return its Response. */
export async function callLoader(
  loader: (args: LoaderFunctionArgs) => unknown,
  db: DB,
  url: string,
  params: Record<string, string> = {},
  init: RequestInit = {},
): Promise<Response> {
  const r = await loader(loaderArgs(db, url, params, init));
  if (!(r instanceof Response)) throw new Error(`loader did not return a Response for ${url}`);
  return r;
}

/**
 * Another empty database in the same test file. On PostgreSQL, kysely's
 * Migrator looks for its lock table in every schema unless told which one, so
 * a second schema in one process would find the first one's and fail
 * ("relation kysely_migration_lock does not exist"): here the migrations
 * table schema is named. On PGlite, openTestDatabase as usual.
 */
export async function openAnotherTestDatabase(label: string): Promise<TestDb> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return openTestDatabase(label);
  const schema = `t_${label.replace(/\W/g, "_")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const h = await openDatabase({ url, searchPath: schema, poolSize: 4 });
  const { error } = await new Migrator({ db: h.db, provider: { getMigrations: async () => migrations }, migrationTableSchema: schema }).migrateToLatest();
  if (error) throw error;
  return {
    ...h,
    url,
    schema,
    close: async () => {
      await h.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}

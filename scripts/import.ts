/**
 * npm run import -- <file-or-URL> [...] [--report out.json] [--batch N] [--max-release-mb N] [--max-pages N] [--verbose]
 *
 * Imports OCDS release packages, record packages, single releases and JSON
 * Lines of releases (plain or gzip), from files, folders and URLs (following
 * `links.next`). Prints a progress bar on a terminal and a summary at the end;
 * exits 1 when anything was rejected, 2 on a usage error, 3 when the import
 * stopped (e.g. the database went away). Rules: app/services/import.server.ts.
 *
 * SIGTERM (or Ctrl-C, SIGINT) stops at a batch boundary: the batch being
 * committed finishes, nothing after it is written, the summary is printed with
 * the command that resumes, the database is closed cleanly, and the exit code
 * is 143 (SIGTERM) or 130 (SIGINT). A second signal exits at once (the batch
 * in flight is then rolled back by the database, as after `kill -9`).
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import { z } from "zod";
import { openFromEnv } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { type ImportProgress, formatSummary, importSources } from "../app/services/import.server";
import { checkDataDir, explainStorageError } from "../app/server/data-dir.server";

const usage =
  "usage: npm run import -- <file|folder|URL> [...] [--report out.json] [--batch 1000] [--max-release-mb 10] [--max-pages N] [--verbose]";

let parsedArgs: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      report: { type: "string" },
      batch: { type: "string", default: "1000" },
      "max-release-mb": { type: "string", default: "10" },
      "max-pages": { type: "string", default: "0" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
}
try {
  parsedArgs = parse();
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  console.error(usage);
  process.exit(2);
}
const { values, positionals } = parsedArgs;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const Args = z.object({
  batch: z.coerce.number().int().min(1, "--batch must be at least 1").max(50_000, "--batch must be at most 50000"),
  maxReleaseMb: z.coerce.number().positive("--max-release-mb must be positive").max(1024),
  maxPages: z.coerce.number().int().min(0),
});
const args = Args.safeParse({ batch: values.batch, maxReleaseMb: values["max-release-mb"], maxPages: values["max-pages"] });
if (!args.success || positionals.length === 0) {
  if (!args.success) for (const i of args.error.issues) console.error(i.message);
  else console.error("nothing to import: give one or more files, folders or URLs");
  console.error(usage);
  process.exit(2);
}

const tty = Boolean(process.stderr.isTTY);
const bar = tty
  ? new SingleBar(
      {
        format: "Importing |{bar}| {releases} releases · {rate} releases/s · {rejected} rejected · {source}",
        hideCursor: true,
        stream: process.stderr,
        etaBuffer: 50,
      },
    )
  : null;
let barStarted = false;
let lastLine = 0;
const fmt = (n: number) => n.toLocaleString("en-GB");
const shortSource = (s: string | null) => (s ? (s.length > 50 ? `…${s.slice(-49)}` : s) : "");
function onProgress(p: ImportProgress) {
  if (bar) {
    const total = p.totalBytes ?? 0;
    const payload = { releases: fmt(p.releasesRead), rate: fmt(p.releasesPerSecond), rejected: fmt(p.rejected), source: shortSource(p.current) };
    if (!barStarted) {
      bar.start(total > 0 ? total : 1, 0, payload);
      barStarted = true;
    }
    bar.update(total > 0 ? Math.min(p.bytesRead, total) : 0, payload);
  } else if (Date.now() - lastLine > 10_000) {
    lastLine = Date.now();
    console.error(`… ${fmt(p.releasesRead)} releases read, ${fmt(p.imported)} imported, ${fmt(p.rejected)} rejected (${fmt(p.releasesPerSecond)} releases/s)`);
  }
}

// Stop at a batch boundary on SIGTERM/SIGINT (see the header).
const stop = new AbortController();
let stopSignal: NodeJS.Signals | null = null;
const onSignal = (signal: NodeJS.Signals) => {
  if (stopSignal) {
    console.error(`${signal} again: stopping now; the batch in flight is rolled back.`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  }
  stopSignal = signal;
  console.error(`${signal}: finishing the batch being committed, then stopping (send it again to stop at once).`);
  stop.abort();
};
process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);
const resumeCommand = `npm run import -- ${process.argv
  .slice(2)
  .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`))
  .join(" ")}`;

// PGlite: a data folder that cannot be written (read-only, permissions) is a clear error before anything is opened.
const pgliteDir = process.env.DATABASE_URL ? null : process.env.DATA_DIR || ".data/pglite";
if (pgliteDir) {
  try {
    checkDataDir(pgliteDir, 0);
  } catch (e) {
    console.error(`Import not started: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(3);
  }
}

const h = await openFromEnv();
let code = 0;
try {
  await migrateToLatest(h.db);
  const summary = await importSources(h.db, positionals, {
    batchSize: args.data.batch,
    maxReleaseBytes: Math.round(args.data.maxReleaseMb * 1024 * 1024),
    maxPages: args.data.maxPages,
    overlap: h.kind === "postgres",
    signal: stop.signal,
    onProgress,
    ...(values.verbose
      ? {
          onBatch: (b: { releases: number; imported: number; unchanged: number; rejected: number; batches: number }) =>
            console.error(`batch ${b.batches} committed: ${fmt(b.releases)} releases (total imported ${fmt(b.imported)}, unchanged ${fmt(b.unchanged)}, rejected ${fmt(b.rejected)})`),
        }
      : {}),
  });
  if (barStarted) bar?.stop();
  console.log(formatSummary(summary));
  if (values.report) {
    await writeFile(values.report, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`Report written to ${values.report}`);
  }
  code = summary.rejected > 0 ? 1 : 0;
  if (summary.interrupted) {
    const n = (v: number) => v.toLocaleString("en-GB");
    console.error(
      `Import interrupted by ${stopSignal ?? "a signal"} at a batch boundary: ${n(summary.batches)} batch${summary.batches === 1 ? "" : "es"} committed ` +
        `(${n(summary.imported)} releases imported, ${n(summary.unchanged)} unchanged); nothing read after the last committed batch was written.`,
    );
    console.error(`To resume, run the same import again (committed releases come back as unchanged):\n  ${resumeCommand}`);
    code = stopSignal === "SIGINT" ? 130 : 143;
  }
} catch (e) {
  if (barStarted) bar?.stop();
  const storage = pgliteDir ? explainStorageError(pgliteDir, e) : null;
  console.error(`Import stopped: ${storage?.message ?? (e instanceof Error ? e.message : String(e))}`);
  console.error("Batches committed before the problem are kept; run the same import again to finish (committed releases come back as unchanged).");
  code = 3;
} finally {
  await h.close();
}
process.exit(code);

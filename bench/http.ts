/**
 * HTTP side of the benchmarks, with no database imports: start the app on a
 * free loopback port, drive it with concurrent keep-alive clients, and time
 * every request (exact percentiles).
 */
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import { createServer } from "node:net";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface RunningServer {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Start the app (npm start's script) against a database URL on a free loopback port. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  // The server is this child itself (node with tsx's loader), not a grandchild
  // behind npx, so stop()'s SIGTERM reaches it and nothing outlives the bench.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", NODE_ENV: "production", SESSION_SECRET: "bench-secret-bench-secret", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d) => {
    log += d;
  });
  child.stderr?.on("data", (d) => {
    log += d;
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${log}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  return {
    base,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** Network errors and timeouts. */
  errors: number;
  /** Answers with a status other than 2xx. */
  non2xx: number;
  statuses: Record<number, number>;
  /** Server-Timing "db" durations reported by the server, when it sends them. */
  serverDb: number[];
}

/**
 * Drive the given URLs (round-robin) with `connections` concurrent keep-alive
 * clients for `seconds`, timing every request (so p95 is exact, not binned).
 */
export async function drive(urls: string[], opts: { connections?: number; seconds?: number; timeoutMs?: number } = {}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections ?? 10 });
  const until = Date.now() + (opts.seconds ?? 10) * 1000;
  const lat: number[] = [];
  const serverDb: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  let next = 0;
  const one = (u: string) =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.get(u, { agent, timeout: opts.timeoutMs ?? 30_000 }, (res) => {
        res.resume();
        res.on("end", () => {
          lat.push(performance.now() - t0);
          const st = res.statusCode ?? 0;
          statuses[st] = (statuses[st] ?? 0) + 1;
          const timing = String(res.headers["server-timing"] ?? "");
          const m = /(?:^|,)\s*db;dur=([\d.]+)/.exec(timing);
          if (m) serverDb.push(Number(m[1]));
          resolve();
        });
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => {
        errors++;
        resolve();
      });
    });
  const worker = async () => {
    while (Date.now() < until) await one(urls[next++ % urls.length]!);
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: opts.connections ?? 10 }, worker));
  agent.destroy();
  const secs = (Date.now() - started) / 1000;
  const non2xx = Object.entries(statuses)
    .filter(([s]) => Number(s) < 200 || Number(s) > 299)
    .reduce((a, [, n]) => a + n, 0);
  return {
    requests: lat.length,
    rps: lat.length / secs,
    p50: percentile(lat, 50),
    p95: percentile(lat, 95),
    p99: percentile(lat, 99),
    errors,
    non2xx,
    statuses,
    serverDb,
  };
}

/** Percentile of a list of numbers (nearest-rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Build the app (CSS and Remix) when build/ is missing or older than the sources. */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function buildIfNeeded(): void {
  const out = "build/index.js";
  const built = existsSync(out) && existsSync("public/assets/app.css") ? statSync(out).mtimeMs : 0;
  const sources = Math.max(newestMtime("app"), newestMtime("db"), statSync("remix.config.js").mtimeMs);
  if (built >= sources) return;
  console.log("Building the app…");
  const r = spawnSync("npm", ["run", "build", "--silent"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (r.status !== 0) throw new Error("build failed");
}

if (import.meta.url === `file://${process.argv[1]}`) buildIfNeeded();

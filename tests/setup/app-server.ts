/**
 * The real HTTP server (Express + the built Remix app) on a loopback port,
 * over a test database, for HTTP-level integration tests. Needs `npm run build`
 * (npm test builds before running vitest).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import type { DB } from "../../db/client";
import { type Env, parseEnv } from "../../app/env.server";
import { createApp } from "../../app/server/http.server";

export interface TestServer {
  base: string;
  server: Server;
  close(): Promise<void>;
}

export async function startTestServer(db: DB, envOverrides: Record<string, string> = {}): Promise<TestServer> {
  const env: Env = parseEnv({ NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret-0123456789", ...envOverrides });
  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  const app = createApp({ db, env, build });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * npm run user:create -- --email EMAIL --role admin|publisher [--buyer ID ...] [--name NAME]
 *
 * Creates an account (the first admin, typically). The password is read from
 * the PASSWORD environment variable, or asked for (twice, not echoed) when run
 * on a terminal. A publisher is bound to the buyer organisations given with
 * --buyer (register ids; repeat the option for several).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { openFromEnv } from "../db/client";
import { migrateToLatest } from "../db/migrate";
import { AccountError, EMAIL_PATTERN, PASSWORD_MIN, createUser, passwordProblem } from "../app/services/auth.server";

const USAGE = "Usage: npm run user:create -- --email EMAIL --role admin|publisher [--buyer ID ...] [--name NAME]";

const Args = z
  .object({
    email: z.string({ error: "--email is required" }).trim().regex(EMAIL_PATTERN, "--email must be an email address"),
    role: z.enum(["admin", "publisher"], { error: "--role must be admin or publisher" }),
    buyer: z.array(z.string().regex(/^\d{1,18}$/, "--buyer must be a register id (a whole number)")).default([]),
    name: z.string().trim().max(200, "--name must be 200 characters or fewer").optional(),
  })
  .superRefine((a, ctx) => {
    if (a.role === "admin" && a.buyer.length) ctx.addIssue({ code: "custom", path: ["buyer"], message: "--buyer is for publishers (an admin may act for any buyer)" });
  });

function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stdout.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    let value = "";
    const cleanup = () => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stdout.write("\n");
    };
    function onData(chunk: string) {
      for (const c of chunk) {
        if (c === "\r" || c === "\n" || c === "\u0004") {
          cleanup();
          resolve(value);
          return;
        }
        if (c === "\u0003") {
          cleanup();
          reject(new Error("cancelled"));
          return;
        }
        if (c === "\u007f" || c === "\b") value = value.slice(0, -1);
        else value += c;
      }
    }
    stdin.on("data", onData);
  });
}

async function main(): Promise<number> {
  let raw: ReturnType<typeof parseArgs>["values"];
  try {
    raw = parseArgs({
      options: { email: { type: "string" }, role: { type: "string" }, buyer: { type: "string", multiple: true }, name: { type: "string" } },
      strict: true,
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const parsed = Args.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues) console.error(i.message);
    console.error(USAGE);
    return 2;
  }
  const args = parsed.data;

  let password = process.env.PASSWORD ?? "";
  if (password === "") {
    if (!process.stdin.isTTY) {
      console.error("Set PASSWORD in the environment, or run this on a terminal to be asked for one.");
      return 2;
    }
    password = await readHidden(`Password for ${args.email} (at least ${PASSWORD_MIN} characters): `);
    const problem = passwordProblem(password);
    if (problem) {
      console.error(problem);
      return 2;
    }
    const again = await readHidden("The same password again: ");
    if (again !== password) {
      console.error("The passwords do not match.");
      return 2;
    }
  }
  const problem = passwordProblem(password);
  if (problem) {
    console.error(`PASSWORD: ${problem}`);
    return 2;
  }

  const h = await openFromEnv();
  try {
    await migrateToLatest(h.db);
    const id = await h.db.transaction().execute((trx) =>
      createUser(
        trx,
        { email: args.email, name: args.name ?? "", role: args.role, password, buyerIds: args.buyer.map((b) => BigInt(b)) },
        { userId: null, email: "(command line)", ip: null, userAgent: null },
      ),
    );
    console.log(`Created ${args.role} ${args.email.toLowerCase()} (user id ${id})${args.buyer.length ? ` for buyer ${args.buyer.join(", ")}` : ""}.`);
    if (args.role === "publisher" && args.buyer.length === 0) console.log("Note: this publisher is bound to no buyer yet; an admin can add one at /admin/users.");
    return 0;
  } catch (e) {
    if (e instanceof AccountError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  } finally {
    await h.close();
  }
}

process.exitCode = await main();

/**
 * Demonstration accounts, created only with demonstration data (loadDemo):
 * an administrator, and two publishers for the buyers with the most
 * contracts (so two officials can be seen working on the same contract).
 * The credentials are public (README): never use them outside a
 * demonstration.
 */
import { sql } from "kysely";
import type { DB } from "../db/client";
import { findUserByEmail } from "../db/queries/accounts";
import { createUser } from "../app/services/auth.server";

export const DEMO_ACCOUNTS = {
  admin: { email: "admin@demo.register.example", password: "demo-admin-password", name: "Demo administrator" },
  publisher: { email: "publisher@demo.register.example", password: "demo-publisher-password", name: "Demo publisher" },
  publisher2: { email: "publisher2@demo.register.example", password: "demo-publisher-password", name: "Second demo publisher" },
} as const;

/** Create the demonstration accounts if they do not exist; returns the publisher's buyers. */
export async function seedDemoUsers(db: DB): Promise<{ buyerIds: bigint[] }> {
  const top = await db
    .selectFrom("processes")
    .innerJoin("organisations as o", "o.id", "processes.buyer_id")
    .select(["o.id", "o.name", sql<number>`count(*)::int`.as("n")])
    .groupBy(["o.id", "o.name"])
    .orderBy("n", "desc")
    .orderBy("o.name")
    .orderBy("o.id")
    .limit(2)
    .execute();
  const buyerIds = top.map((b) => b.id);
  const actor = { userId: null, email: "(demonstration data)", ip: null, userAgent: null };
  await db.transaction().execute(async (trx) => {
    const a = DEMO_ACCOUNTS.admin;
    if (!(await findUserByEmail(trx, a.email))) await createUser(trx, { ...a, role: "admin", buyerIds: [] }, actor);
    const p = DEMO_ACCOUNTS.publisher;
    if (!(await findUserByEmail(trx, p.email))) await createUser(trx, { ...p, role: "publisher", buyerIds }, actor);
    const p2 = DEMO_ACCOUNTS.publisher2;
    if (!(await findUserByEmail(trx, p2.email))) await createUser(trx, { ...p2, role: "publisher", buyerIds: buyerIds.slice(0, 1) }, actor);
  });
  return { buyerIds };
}

/**
 * Administration: users (create, bind to buyers, disable, reset password,
 * revoke sessions) and buyer organisations (add). Every change writes an
 * audit row in the same transaction.
 */
import {
  addUserBuyer,
  getUserById,
  removeUserBuyer,
  revokeUserSessions,
  setUserDisabled,
  setUserPassword,
} from "../../db/queries/accounts";
import { insertAudit } from "../../db/queries/audit";
import type { DB } from "../../db/client";
import { normaliseName } from "../domain/ocds/text";
import { organisationKey, normalisePostcode } from "../domain/organisations";
import { BUYER_TYPES, ITL1_REGIONS, type BuyerType, type Itl1 } from "../domain/types";
import { ORG_SCHEMES, identifierProblem, normaliseIdentifier } from "../domain/notices/common";
import { cleanInput } from "../domain/notices/form";
import { AccountError, type CurrentUser, createUser, hashPassword, passwordProblem } from "./auth.server";

export interface Actor {
  user: CurrentUser;
  ip: string;
  userAgent: string | null;
}

const auditOf = (a: Actor) => ({ userId: a.user.id, userEmail: a.user.email, ip: a.ip, userAgent: a.userAgent });

export async function adminCreateUser(
  db: DB,
  actor: Actor,
  input: { email: string; name: string; role: string; password: string; buyerId: string },
): Promise<{ ok: true; id: bigint } | { ok: false; errors: Array<{ field: string; message: string }> }> {
  const errors: Array<{ field: string; message: string }> = [];
  if (input.role !== "admin" && input.role !== "publisher") errors.push({ field: "role", message: "Select a role" });
  const buyer = cleanInput(input.buyerId);
  if (buyer !== "" && !/^\d{1,18}$/.test(buyer)) errors.push({ field: "buyerId", message: "The buyer must be a register id (a whole number)" });
  if (input.role === "admin" && buyer !== "") errors.push({ field: "buyerId", message: "Leave the buyer empty for an admin (an admin may act for any buyer)" });
  if (errors.length) return { ok: false, errors };
  try {
    const id = await db.transaction().execute((trx) =>
      createUser(
        trx,
        {
          email: input.email,
          name: input.name,
          role: input.role as "admin" | "publisher",
          password: input.password,
          buyerIds: buyer ? [BigInt(buyer)] : [],
        },
        { userId: actor.user.id, email: actor.user.email, ip: actor.ip, userAgent: actor.userAgent },
      ),
    );
    return { ok: true, id };
  } catch (e) {
    if (e instanceof AccountError) return { ok: false, errors: [{ field: e.field === "buyer" ? "buyerId" : e.field, message: e.message }] };
    throw e;
  }
}

export type UserChange =
  | { kind: "add-buyer"; buyerId: bigint }
  | { kind: "remove-buyer"; buyerId: bigint }
  | { kind: "disable" }
  | { kind: "enable" }
  | { kind: "revoke-sessions" }
  | { kind: "reset-password"; password: string };

/** Apply one change to a user; returns a problem message or null. */
export async function changeUser(db: DB, actor: Actor, userId: bigint, change: UserChange): Promise<string | null> {
  const target = await getUserById(db, userId);
  if (!target) return "There is no such user.";
  if (change.kind === "disable" && target.id === actor.user.id) return "You cannot disable your own account.";
  if (change.kind === "reset-password") {
    const problem = passwordProblem(change.password);
    if (problem) return problem;
  }
  if (change.kind === "add-buyer") {
    const b = await db.selectFrom("organisations").select(["id", "name"]).where("id", "=", change.buyerId).where("is_buyer", "=", true).executeTakeFirst();
    if (!b) return `No buyer organisation has the register id ${change.buyerId}.`;
    if (target.role !== "publisher") return "Only publishers are bound to buyers (an admin may act for any buyer).";
  }
  const now = new Date();
  const hash = change.kind === "reset-password" ? await hashPassword(change.password) : null;
  await db.transaction().execute(async (trx) => {
    let summary: string;
    switch (change.kind) {
      case "add-buyer":
        await addUserBuyer(trx, userId, change.buyerId);
        summary = `Bound ${target.email} to buyer ${change.buyerId}`;
        break;
      case "remove-buyer":
        await removeUserBuyer(trx, userId, change.buyerId);
        summary = `Unbound ${target.email} from buyer ${change.buyerId}`;
        break;
      case "disable":
        await setUserDisabled(trx, userId, now);
        await revokeUserSessions(trx, userId, now);
        summary = `Disabled ${target.email} and ended their sessions`;
        break;
      case "enable":
        await setUserDisabled(trx, userId, null);
        summary = `Enabled ${target.email}`;
        break;
      case "revoke-sessions": {
        const n = await revokeUserSessions(trx, userId, now);
        summary = `Ended ${n} ${n === 1 ? "session" : "sessions"} of ${target.email}`;
        break;
      }
      case "reset-password":
        await setUserPassword(trx, userId, hash!);
        await revokeUserSessions(trx, userId, now);
        summary = `Reset the password of ${target.email} and ended their sessions`;
        break;
    }
    await insertAudit(trx, {
      ...auditOf(actor),
      action: `user-${change.kind}`,
      summary,
      buyerId: "buyerId" in change ? change.buyerId : null,
      details: { userId: String(userId) },
    });
  });
  return null;
}

/** Add a buyer organisation to the register (identified by scheme and identifier). */
export async function adminCreateBuyer(
  db: DB,
  actor: Actor,
  input: Record<string, string>,
): Promise<{ ok: true; id: bigint } | { ok: false; errors: Array<{ field: string; message: string }> }> {
  const errors: Array<{ field: string; message: string }> = [];
  const name = cleanInput(input.name);
  const scheme = cleanInput(input.scheme);
  const identifier = normaliseIdentifier(cleanInput(input.identifier));
  const buyerType = cleanInput(input.buyerType);
  const region = cleanInput(input.region);
  const postcode = cleanInput(input.postcode);
  if (name === "") errors.push({ field: "name", message: "Enter the organisation's name" });
  else if (name.length > 300) errors.push({ field: "name", message: "The name must be 300 characters or fewer" });
  if (!Object.hasOwn(ORG_SCHEMES, scheme)) errors.push({ field: "scheme", message: "Select the register that identifies the organisation" });
  if (identifier === "") errors.push({ field: "identifier", message: "Enter the organisation's identifier" });
  else if (Object.hasOwn(ORG_SCHEMES, scheme)) {
    const p = identifierProblem(scheme, identifier);
    if (p) errors.push({ field: "identifier", message: p });
  }
  if (!(BUYER_TYPES as readonly string[]).includes(buyerType)) errors.push({ field: "buyerType", message: "Select the type of buyer" });
  if (region !== "" && !Object.hasOwn(ITL1_REGIONS, region)) errors.push({ field: "region", message: "Select a region from the list" });
  if (postcode !== "" && normalisePostcode(postcode) === null) errors.push({ field: "postcode", message: "Enter a real postcode, like SW1A 2AA" });
  if (errors.length) return { ok: false, errors };
  const key = organisationKey({
    partyId: "",
    name,
    scheme,
    identifier,
    scale: null,
    orgType: null,
    buyerType: buyerType as BuyerType,
    countryCode: "GB",
    region: (region || null) as Itl1 | null,
    postcode: postcode || null,
  });
  const existing = await db.selectFrom("organisations").select(["id", "name"]).where("key", "=", key).executeTakeFirst();
  if (existing) return { ok: false, errors: [{ field: "identifier", message: `This organisation is already on the register: ${existing.name} (register id ${existing.id})` }] };
  const id = await db.transaction().execute(async (trx) => {
    const r = await trx
      .insertInto("organisations")
      .values({
        key,
        name,
        normalised_name: normaliseName(name),
        scheme,
        identifier,
        is_buyer: true,
        org_type: "public",
        buyer_type: buyerType,
        country_code: "GB",
        region: region || null,
        postcode: normalisePostcode(postcode),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await insertAudit(trx, { ...auditOf(actor), action: "buyer-create", summary: `Added buyer ${name} (${scheme} ${identifier})`, buyerId: r.id });
    return r.id;
  });
  return { ok: true, id };
}

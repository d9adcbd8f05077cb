import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { insertAudit } from "../../db/queries/audit";
import { clientAddress, getUser, userAgent } from "../services/auth.server";
import { assertCsrf } from "../services/csrf.server";
import { clearSessionCookie, endSession } from "../services/session.server";

export const meta: MetaFunction = () => [{ title: "Sign out – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  if (!user) throw redirect("/");
  return { csrf: user.csrfToken, email: user.email };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await getUser(request, context);
  const clear = await clearSessionCookie(context.env);
  if (!user) throw redirect("/", { status: 303, headers: { "Set-Cookie": clear } });
  assertCsrf(await request.formData(), user.csrfToken);
  const now = context.now();
  await context.db.transaction().execute(async (trx) => {
    await endSession(trx, user.sessionHash, now);
    await insertAudit(trx, {
      userId: user.id,
      userEmail: user.email,
      action: "logout",
      summary: "Signed out",
      ip: clientAddress(request, context),
      userAgent: userAgent(request),
      at: now,
    });
  });
  throw redirect("/", { status: 303, headers: { "Set-Cookie": clear } });
}

export default function Logout() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <h1 className="govuk-heading-l">Sign out</h1>
      <p className="govuk-body">You are signed in as {d.email}.</p>
      <form method="post">
        <input type="hidden" name="csrf" value={d.csrf} />
        <button type="submit" className="govuk-button" data-testid="sign-out">
          Sign out
        </button>
      </form>
    </>
  );
}

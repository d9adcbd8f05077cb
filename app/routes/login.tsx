import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ErrorSummary } from "../components/ErrorSummary";
import { TextInput, errorMap } from "../components/publish/fields";
import { clientAddress, getUser, safeRedirect, signIn, userAgent } from "../services/auth.server";
import { CSRF_REFUSED, anonymousCsrf, verifyAnonymousCsrf } from "../services/csrf.server";

export const meta: MetaFunction = () => [{ title: "Sign in – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirect(url.searchParams.get("redirectTo"));
  if (await getUser(request, context)) throw redirect(redirectTo);
  const csrf = await anonymousCsrf(request, context.env);
  return data(
    { csrf: csrf.token, redirectTo, reason: url.searchParams.get("reason") },
    csrf.setCookie ? { headers: { "Set-Cookie": csrf.setCookie } } : undefined,
  );
}

interface LoginActionData {
  errors: Array<{ field: string; message: string }>;
  email: string;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const len = Number(request.headers.get("Content-Length") ?? "0");
  if (len > 100_000) throw new Response("The form is too large.", { status: 413 });
  const fd = await request.formData();
  if (!(await verifyAnonymousCsrf(request, fd, context.env))) throw new Response(CSRF_REFUSED, { status: 403 });
  const email = String(fd.get("email") ?? "").trim().slice(0, 320);
  const password = String(fd.get("password") ?? "");
  const redirectTo = safeRedirect(fd.get("redirectTo"));
  const errors: LoginActionData["errors"] = [];
  if (email === "") errors.push({ field: "email", message: "Enter your email address" });
  if (password === "") errors.push({ field: "password", message: "Enter your password" });
  if (errors.length) return data({ errors, email } satisfies LoginActionData, { status: 400 });

  const r = await signIn(context.db, context.env, {
    email,
    password,
    ip: clientAddress(request, context),
    userAgent: userAgent(request),
    now: context.now(),
  });
  if (r.ok) throw redirect(redirectTo, { status: 303, headers: { "Set-Cookie": r.session.setCookie } });
  if (r.reason === "throttled") {
    const wait = `${r.retryAfterMinutes} ${r.retryAfterMinutes === 1 ? "minute" : "minutes"}`;
    const message =
      r.scope === "account"
        ? `Too many failed attempts to sign in to this account. Try again in ${wait}.`
        : `Too many failed attempts to sign in from your network. Try again in ${wait}.`;
    return data({ errors: [{ field: "email", message }], email } satisfies LoginActionData, {
      status: 429,
      headers: { "Retry-After": String(r.retryAfterMinutes * 60) },
    });
  }
  return data({ errors: [{ field: "email", message: "Enter a correct email address and password" }], email } satisfies LoginActionData, {
    status: 401,
  });
}

export default function Login() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<LoginActionData>();
  const errors = a?.errors ?? [];
  const errs = errorMap(errors);
  return (
    <div className="govuk-grid-row">
      <div className="govuk-grid-column-one-half">
        <ErrorSummary errors={errors} />
        {d.reason === "saved" || d.reason === "expired" ? (
          <div className="govuk-inset-text" data-testid="session-ended">
            Your session has ended. Sign in again
            {d.reason === "saved" ? ": what you entered was saved and you will return to it." : " to continue."}
          </div>
        ) : null}
        <h1 className="govuk-heading-l">Sign in</h1>
        <p className="govuk-body">For officials who publish notices for their organisation. The register itself is open to everyone without an account.</p>
        <form method="post" noValidate>
          <input type="hidden" name="csrf" value={d.csrf} />
          <input type="hidden" name="redirectTo" value={d.redirectTo} />
          <TextInput id="email" label="Email address" type="email" autoComplete="username" spellCheck={false} values={{ email: a?.email ?? "" }} errors={errs} />
          <TextInput id="password" label="Password" type="password" autoComplete="current-password" values={{}} errors={errs} />
          <button type="submit" className="govuk-button">
            Sign in
          </button>
        </form>
      </div>
    </div>
  );
}

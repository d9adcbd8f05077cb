import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { activeSessionCount, buyersOfUser, getUserById, searchBuyers } from "../../db/queries/accounts";
import { ErrorSummary } from "../components/ErrorSummary";
import { TextInput, errorMap } from "../components/publish/fields";
import { formatDate } from "../lib/format";
import { type UserChange, changeUser } from "../services/admin.server";
import { PASSWORD_MIN, clientAddress, requireAdmin, userAgent } from "../services/auth.server";
import { assertCsrf } from "../services/csrf.server";

export const meta: MetaFunction = () => [{ title: "User – Administration – Public Tech Procurement Register" }];

function idParam(v: string | undefined): bigint {
  if (!v || !/^\d{1,18}$/.test(v)) throw new Response("There is no such user.", { status: 404 });
  return BigInt(v);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const admin = await requireAdmin(request, context);
  const id = idParam(params.id);
  const u = await getUserById(context.db, id);
  if (!u) throw new Response("There is no such user.", { status: 404 });
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").slice(0, 200);
  const buyers = await buyersOfUser(context.db, id);
  const found = q ? await searchBuyers(context.db, q, 20) : [];
  return {
    csrf: admin.csrfToken,
    user: { id: String(u.id), email: u.email, name: u.name, role: u.role, created_at: u.created_at, disabled_at: u.disabled_at },
    buyers: buyers.map((b) => ({ id: String(b.id), name: b.name })),
    sessions: await activeSessionCount(context.db, id, context.now()),
    q,
    found: found.map((b) => ({ id: String(b.id), name: b.name, identifier: b.identifier })),
    created: url.searchParams.get("created") === "1",
    done: url.searchParams.get("done"),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const admin = await requireAdmin(request, context);
  const id = idParam(params.id);
  const fd = await request.formData();
  assertCsrf(fd, admin.csrfToken);
  const intent = String(fd.get("intent") ?? "");
  const buyer = /^\d{1,18}$/.test(String(fd.get("buyerId") ?? "")) ? BigInt(String(fd.get("buyerId"))) : null;
  let change: UserChange | null = null;
  if (intent === "add-buyer" && buyer !== null) change = { kind: "add-buyer", buyerId: buyer };
  else if (intent === "remove-buyer" && buyer !== null) change = { kind: "remove-buyer", buyerId: buyer };
  else if (intent === "disable" || intent === "enable" || intent === "revoke-sessions") change = { kind: intent };
  else if (intent === "reset-password") change = { kind: "reset-password", password: String(fd.get("password") ?? "") };
  if (!change) return data({ errors: [{ field: "intent", message: "Choose what to change" }] }, { status: 400 });
  const problem = await changeUser(context.db, { user: admin, ip: clientAddress(request, context), userAgent: userAgent(request) }, id, change);
  if (problem) return data({ errors: [{ field: change.kind === "reset-password" ? "password" : "intent", message: problem }] }, { status: 400 });
  throw redirect(`/admin/users/${id}?done=${encodeURIComponent(change.kind)}`, 303);
}

function Csrf({ token }: { token: string }) {
  return <input type="hidden" name="csrf" value={token} />;
}

export default function UserPage() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<{ errors: Array<{ field: string; message: string }> }>();
  const errors = a?.errors ?? [];
  const errs = errorMap(errors);
  return (
    <>
      <ErrorSummary errors={errors} />
      {d.created || d.done ? (
        <div className="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="done-title">
          <div className="govuk-notification-banner__header">
            <h2 className="govuk-notification-banner__title" id="done-title">
              Success
            </h2>
          </div>
          <div className="govuk-notification-banner__content">
            <p className="govuk-notification-banner__heading">{d.created ? "Account created." : "Done."}</p>
          </div>
        </div>
      ) : null}
      <span className="govuk-caption-l">{d.user.role === "admin" ? "Admin" : "Publisher"}</span>
      <h1 className="govuk-heading-l" id="intent">
        {d.user.email}
      </h1>
      <dl className="govuk-summary-list">
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Name</dt>
          <dd className="govuk-summary-list__value">{d.user.name}</dd>
        </div>
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Created</dt>
          <dd className="govuk-summary-list__value">{formatDate(d.user.created_at)}</dd>
        </div>
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Status</dt>
          <dd className="govuk-summary-list__value">{d.user.disabled_at ? `Disabled on ${formatDate(d.user.disabled_at)}` : "Active"}</dd>
        </div>
        <div className="govuk-summary-list__row">
          <dt className="govuk-summary-list__key">Sessions in progress</dt>
          <dd className="govuk-summary-list__value">{d.sessions}</dd>
        </div>
      </dl>
      <form method="post" className="govuk-button-group">
        <Csrf token={d.csrf} />
        {d.user.disabled_at ? (
          <button type="submit" className="govuk-button govuk-button--secondary" name="intent" value="enable">
            Enable the account
          </button>
        ) : (
          <button type="submit" className="govuk-button govuk-button--warning" name="intent" value="disable">
            Disable the account
          </button>
        )}
        <button type="submit" className="govuk-button govuk-button--secondary" name="intent" value="revoke-sessions">
          End all sessions
        </button>
      </form>

      {d.user.role === "publisher" ? (
        <>
          <h2 className="govuk-heading-m">Buyers this publisher acts for</h2>
          {d.buyers.length === 0 ? <p className="govuk-body">None yet.</p> : null}
          <ul className="govuk-list" data-testid="user-buyers">
            {d.buyers.map((b) => (
              <li key={b.id}>
                <form method="post">
                  <Csrf token={d.csrf} />
                  <input type="hidden" name="buyerId" value={b.id} />
                  {b.name} <span className="app-muted">(register id {b.id})</span>{" "}
                  <button type="submit" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" name="intent" value="remove-buyer">
                    Remove<span className="govuk-visually-hidden"> {b.name}</span>
                  </button>
                </form>
              </li>
            ))}
          </ul>
          <form method="get" className="govuk-!-margin-bottom-4">
            <div className="govuk-form-group">
              <label className="govuk-label" htmlFor="q">
                Find a buyer to add (name or register id)
              </label>
              <input className="govuk-input govuk-!-width-one-half" id="q" name="q" type="search" defaultValue={d.q} />{" "}
              <button type="submit" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
                Search
              </button>
            </div>
          </form>
          {d.q ? (
            d.found.length === 0 ? (
              <p className="govuk-body">No buyer matches “{d.q}”.</p>
            ) : (
              <ul className="govuk-list">
                {d.found.map((b) => (
                  <li key={b.id}>
                    <form method="post">
                      <Csrf token={d.csrf} />
                      <input type="hidden" name="buyerId" value={b.id} />
                      {b.name} <span className="app-muted">(register id {b.id})</span>{" "}
                      <button type="submit" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" name="intent" value="add-buyer">
                        Add<span className="govuk-visually-hidden"> {b.name}</span>
                      </button>
                    </form>
                  </li>
                ))}
              </ul>
            )
          ) : null}
        </>
      ) : null}

      <h2 className="govuk-heading-m">Reset the password</h2>
      <form method="post" noValidate>
        <Csrf token={d.csrf} />
        <TextInput
          id="password"
          label="New password"
          type="password"
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN} characters. Their sessions end.`}
          values={{}}
          errors={errs}
        />
        <button type="submit" className="govuk-button govuk-button--secondary" name="intent" value="reset-password">
          Reset the password
        </button>
      </form>
      <p className="govuk-body">
        <Link className="govuk-link" to="/admin/users">
          All users
        </Link>
      </p>
    </>
  );
}

import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { listUsers } from "../../db/queries/accounts";
import { ErrorSummary } from "../components/ErrorSummary";
import { Radios, TextInput, errorMap } from "../components/publish/fields";
import { formatDate } from "../lib/format";
import { adminCreateUser } from "../services/admin.server";
import { PASSWORD_MIN, clientAddress, requireAdmin, userAgent } from "../services/auth.server";
import { assertCsrf } from "../services/csrf.server";

export const meta: MetaFunction = () => [{ title: "Users – Administration – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireAdmin(request, context);
  const users = await listUsers(context.db);
  return {
    csrf: user.csrfToken,
    users: users.map((u) => ({ ...u, id: String(u.id), buyers: u.buyers.map((b) => ({ id: String(b.id), name: b.name })) })),
  };
}

interface ActionData {
  errors: Array<{ field: string; message: string }>;
  values: Record<string, string>;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireAdmin(request, context);
  const fd = await request.formData();
  assertCsrf(fd, user.csrfToken);
  const values = {
    email: String(fd.get("email") ?? ""),
    name: String(fd.get("name") ?? ""),
    role: String(fd.get("role") ?? ""),
    buyerId: String(fd.get("buyerId") ?? ""),
  };
  const r = await adminCreateUser(
    context.db,
    { user, ip: clientAddress(request, context), userAgent: userAgent(request) },
    { ...values, password: String(fd.get("password") ?? "") },
  );
  if (!r.ok) return data({ errors: r.errors, values } satisfies ActionData, { status: 400 });
  throw redirect(`/admin/users/${r.id}?created=1`, 303);
}

export default function Users() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<ActionData>();
  const errors = a?.errors ?? [];
  const errs = errorMap(errors);
  const values = a?.values ?? { role: "publisher" };
  return (
    <>
      <ErrorSummary errors={errors} />
      <h1 className="govuk-heading-l">Users</h1>
      <table className="govuk-table" data-testid="users">
        <thead className="govuk-table__head">
          <tr className="govuk-table__row">
            <th scope="col" className="govuk-table__header">Email</th>
            <th scope="col" className="govuk-table__header">Role</th>
            <th scope="col" className="govuk-table__header">Buyers</th>
            <th scope="col" className="govuk-table__header">Status</th>
          </tr>
        </thead>
        <tbody className="govuk-table__body">
          {d.users.map((u) => (
            <tr className="govuk-table__row" key={u.id}>
              <td className="govuk-table__cell">
                <Link className="govuk-link" to={`/admin/users/${u.id}`}>
                  {u.email}
                </Link>
                <br />
                <span className="app-muted">{u.name}</span>
              </td>
              <td className="govuk-table__cell">{u.role === "admin" ? "Admin" : "Publisher"}</td>
              <td className="govuk-table__cell">{u.role === "admin" ? "Any" : u.buyers.map((b) => b.name).join("; ") || "None"}</td>
              <td className="govuk-table__cell">{u.disabled_at ? `Disabled ${formatDate(u.disabled_at)}` : "Active"}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2 className="govuk-heading-m">Create an account</h2>
      <div className="govuk-grid-row">
        <form method="post" noValidate className="govuk-grid-column-two-thirds">
          <input type="hidden" name="csrf" value={d.csrf} />
          <TextInput id="email" label="Email address" type="email" autoComplete="off" spellCheck={false} values={values} errors={errs} />
          <TextInput id="name" label="Full name" values={values} errors={errs} />
          <Radios
            id="role"
            legend="Role"
            values={values}
            errors={errs}
            options={[
              ["publisher", "Publisher", "Publishes notices for the buyers they are bound to"],
              ["admin", "Admin", "Manages users and buyers, reads the audit log, may publish for any buyer"],
            ]}
          />
          <TextInput
            id="buyerId"
            label="Buyer register id (publishers)"
            hint={
              <>
                Find it on the <Link className="govuk-link" to="/admin/buyers">buyers page</Link>. More buyers can be added afterwards.
              </>
            }
            width="10"
            inputMode="numeric"
            values={values}
            errors={errs}
          />
          <TextInput
            id="password"
            label="Initial password"
            type="password"
            autoComplete="new-password"
            hint={`At least ${PASSWORD_MIN} characters. Give it to the person securely.`}
            values={{}}
            errors={errs}
          />
          <button type="submit" className="govuk-button">
            Create account
          </button>
        </form>
      </div>
    </>
  );
}

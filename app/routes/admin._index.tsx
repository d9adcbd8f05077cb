import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { requireAdmin } from "../services/auth.server";

export const meta: MetaFunction = () => [{ title: "Administration – Public Tech Procurement Register" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireAdmin(request, context);
  return null;
}

export default function AdminIndex() {
  return (
    <>
      <h1 className="govuk-heading-l">Administration</h1>
      <ul className="govuk-list">
        <li>
          <Link className="govuk-link" to="/admin/users">
            Users
          </Link>{" "}
          – create accounts, bind publishers to buyers, disable accounts, end sessions
        </li>
        <li>
          <Link className="govuk-link" to="/admin/buyers">
            Buyers
          </Link>{" "}
          – buyer organisations and who publishes for them
        </li>
        <li>
          <Link className="govuk-link" to="/admin/audit">
            Audit log
          </Link>{" "}
          – who did what, when and from where
        </li>
        <li>
          <Link className="govuk-link" to="/publish">
            Publish
          </Link>
        </li>
      </ul>
    </>
  );
}

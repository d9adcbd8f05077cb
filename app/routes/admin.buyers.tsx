import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { publishersOfBuyers, searchBuyers } from "../../db/queries/accounts";
import { ErrorSummary } from "../components/ErrorSummary";
import { Select, TextInput, errorMap } from "../components/publish/fields";
import { ORG_SCHEMES } from "../domain/notices/common";
import { BUYER_TYPES, ITL1_REGIONS } from "../domain/types";
import { buyerTypeLabel, formatCount } from "../lib/format";
import { adminCreateBuyer } from "../services/admin.server";
import { clientAddress, requireAdmin, userAgent } from "../services/auth.server";
import { assertCsrf } from "../services/csrf.server";

export const meta: MetaFunction = () => [{ title: "Buyers – Administration – Public Tech Procurement Register" }];

const PAGE = 50;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = await requireAdmin(request, context);
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").slice(0, 200);
  const page = Math.max(1, Math.min(10_000, Number(url.searchParams.get("page")) || 1));
  const rows = await searchBuyers(context.db, q, PAGE + 1, (page - 1) * PAGE);
  const shown = rows.slice(0, PAGE);
  const pubs = await publishersOfBuyers(
    context.db,
    shown.map((b) => b.id),
  );
  return {
    csrf: admin.csrfToken,
    q,
    page,
    more: rows.length > PAGE,
    buyers: shown.map((b) => ({
      ...b,
      id: String(b.id),
      publishers: pubs.filter((p) => p.buyer_id === b.id).map((p) => ({ id: String(p.id), email: p.email })),
    })),
    created: url.searchParams.get("created"),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireAdmin(request, context);
  const fd = await request.formData();
  assertCsrf(fd, admin.csrfToken);
  const values: Record<string, string> = {};
  for (const k of ["name", "scheme", "identifier", "buyerType", "region", "postcode"]) values[k] = String(fd.get(k) ?? "");
  const r = await adminCreateBuyer(context.db, { user: admin, ip: clientAddress(request, context), userAgent: userAgent(request) }, values);
  if (!r.ok) return data({ errors: r.errors, values }, { status: 400 });
  throw redirect(`/admin/buyers?q=${encodeURIComponent(values.name ?? "")}&created=${r.id}`, 303);
}

export default function Buyers() {
  const d = useLoaderData<typeof loader>();
  const a = useActionData<{ errors: Array<{ field: string; message: string }>; values: Record<string, string> }>();
  const errors = a?.errors ?? [];
  const errs = errorMap(errors);
  const values = a?.values ?? {};
  return (
    <>
      <ErrorSummary errors={errors} />
      {d.created ? (
        <div className="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="created-title">
          <div className="govuk-notification-banner__header">
            <h2 className="govuk-notification-banner__title" id="created-title">
              Success
            </h2>
          </div>
          <div className="govuk-notification-banner__content">
            <p className="govuk-notification-banner__heading">Buyer added (register id {d.created}).</p>
          </div>
        </div>
      ) : null}
      <h1 className="govuk-heading-l">Buyers</h1>
      <form method="get" className="govuk-!-margin-bottom-4">
        <div className="govuk-form-group">
          <label className="govuk-label" htmlFor="q">
            Find a buyer (name, identifier or register id)
          </label>
          <input className="govuk-input govuk-!-width-one-half" id="q" name="q" type="search" defaultValue={d.q} />{" "}
          <button type="submit" className="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">
            Search
          </button>
        </div>
      </form>
      <table className="govuk-table app-table--compact" data-testid="buyers">
        <thead className="govuk-table__head">
          <tr className="govuk-table__row">
            <th scope="col" className="govuk-table__header app-num">Register id</th>
            <th scope="col" className="govuk-table__header">Buyer</th>
            <th scope="col" className="govuk-table__header">Type</th>
            <th scope="col" className="govuk-table__header app-num">Contracts</th>
            <th scope="col" className="govuk-table__header">Publishers</th>
          </tr>
        </thead>
        <tbody className="govuk-table__body">
          {d.buyers.map((b) => (
            <tr className="govuk-table__row" key={b.id}>
              <td className="govuk-table__cell app-num">{b.id}</td>
              <td className="govuk-table__cell">
                <Link className="govuk-link" to={`/buyers/${b.id}`}>
                  {b.name}
                </Link>
                <br />
                <span className="app-muted">{b.scheme && b.identifier ? `${b.scheme} ${b.identifier}` : "No identifier"}</span>
              </td>
              <td className="govuk-table__cell">{buyerTypeLabel(b.buyer_type)}</td>
              <td className="govuk-table__cell app-num">{formatCount(b.contracts)}</td>
              <td className="govuk-table__cell">
                {b.publishers.length
                  ? b.publishers.map((p, i) => (
                      <span key={p.id}>
                        {i > 0 ? ", " : ""}
                        <Link className="govuk-link" to={`/admin/users/${p.id}`}>
                          {p.email}
                        </Link>
                      </span>
                    ))
                  : "None"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="govuk-pagination govuk-pagination--block" aria-label="Pages of buyers">
        {d.page > 1 ? (
          <div className="govuk-pagination__prev">
            <Link className="govuk-link govuk-pagination__link" to={`?q=${encodeURIComponent(d.q)}&page=${d.page - 1}`} rel="prev">
              <span className="govuk-pagination__link-title">Previous page</span>
            </Link>
          </div>
        ) : null}
        {d.more ? (
          <div className="govuk-pagination__next">
            <Link className="govuk-link govuk-pagination__link" to={`?q=${encodeURIComponent(d.q)}&page=${d.page + 1}`} rel="next">
              <span className="govuk-pagination__link-title">Next page</span>
            </Link>
          </div>
        ) : null}
      </nav>

      <h2 className="govuk-heading-m">Add a buyer organisation</h2>
      <div className="govuk-grid-row">
        <form method="post" noValidate className="govuk-grid-column-two-thirds">
          <input type="hidden" name="csrf" value={d.csrf} />
          <TextInput id="name" label="Name" values={values} errors={errs} />
          <Select
            id="scheme"
            label="Identifier scheme"
            values={values}
            errors={errs}
            placeholder="Select the register"
            options={Object.entries(ORG_SCHEMES).map(([k, v]) => [k, `${v} (${k})`] as const)}
          />
          <TextInput id="identifier" label="Identifier" values={values} errors={errs} width="20" />
          <Select
            id="buyerType"
            label="Type of buyer"
            values={values}
            errors={errs}
            placeholder="Select the type"
            options={BUYER_TYPES.map((t) => [t, buyerTypeLabel(t)] as const)}
          />
          <Select
            id="region"
            label="Region (optional)"
            values={values}
            errors={errs}
            placeholder="Not given"
            options={Object.entries(ITL1_REGIONS).map(([k, v]) => [k, v] as const)}
          />
          <TextInput id="postcode" label="Postcode (optional)" values={values} errors={errs} width="10" />
          <button type="submit" className="govuk-button">
            Add buyer
          </button>
        </form>
      </div>
    </>
  );
}

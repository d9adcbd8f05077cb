import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLoaderData,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { getMetas } from "../db/queries/write";
import { formatDateTime } from "./lib/format";
import { useNonce } from "./lib/nonce";
import { ROLLUPS_STALE_KEY } from "./services/rollups.server";
import { getUser } from "./services/auth.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: "/assets/app.css?v=1" }];

export const meta: MetaFunction = () => [
  { title: "Public Tech Procurement Register" },
  { name: "description", content: "A public register of UK government technology contracts and their suppliers." },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const [meta, user] = await Promise.all([getMetas(context.readDb, ["demo", ROLLUPS_STALE_KEY]), getUser(request, context)]);
  return {
    demo: meta.has("demo"),
    refreshingSince: meta.get(ROLLUPS_STALE_KEY) ?? null,
    requestId: context.requestId,
    user: user ? { name: user.name, email: user.email, role: user.role, csrf: user.csrfToken } : null,
  };
}

const NAV = [
  ["/contracts", "Contracts"],
  ["/opportunities", "Opportunities"],
  ["/dashboards/sme", "SME share"],
  ["/dashboards/consultancy", "Consultancy"],
  ["/dashboards/concentration", "Concentration"],
  ["/watch", "Red flags"],
  ["/suppliers", "Suppliers"],
  ["/buyers", "Buyers"],
  ["/methodology", "Methodology"],
  ["/api", "API"],
] as const;

type HeaderUser = { name: string; email: string; role: string; csrf: string } | null;

function Header({ user }: { user: HeaderUser }) {
  const { pathname } = useLocation();
  return (
    <header className="app-header">
      <div className="govuk-width-container">
        <Link to="/" className="app-header__title">
          Public Tech Procurement Register
        </Link>
        <nav aria-label="Main">
          <ul className="app-header__nav">
            {NAV.map(([href, label]) => (
              <li key={href}>
                <Link to={href} aria-current={pathname === href || pathname.startsWith(`${href}/`) ? "page" : undefined}>
                  {label}
                </Link>
              </li>
            ))}
            {user ? (
              <>
                <li>
                  <Link to="/publish" aria-current={pathname.startsWith("/publish") ? "page" : undefined}>
                    Publish
                  </Link>
                </li>
                {user.role === "admin" ? (
                  <li>
                    <Link to="/admin" aria-current={pathname.startsWith("/admin") ? "page" : undefined}>
                      Admin
                    </Link>
                  </li>
                ) : null}
                <li>
                  <form method="post" action="/logout" className="app-header__signout">
                    <input type="hidden" name="csrf" value={user.csrf} />
                    <button type="submit" className="app-header__link-button">
                      Sign out<span className="govuk-visually-hidden"> ({user.email})</span>
                    </button>
                  </form>
                </li>
              </>
            ) : (
              <li>
                <Link to="/login" aria-current={pathname === "/login" ? "page" : undefined}>
                  Sign in
                </Link>
              </li>
            )}
          </ul>
        </nav>
      </div>
    </header>
  );
}

export function DemoBanner() {
  return (
    <section className="govuk-notification-banner app-demo-banner" aria-labelledby="demo-banner-title" data-testid="demo-banner">
      <div className="govuk-notification-banner__header">
        <h2 className="govuk-notification-banner__title" id="demo-banner-title">
          Important
        </h2>
      </div>
      <div className="govuk-notification-banner__content">
        <p className="govuk-notification-banner__heading">Demonstration data — not real contracts</p>
        <p className="govuk-body">
          Every buyer, supplier and contract on this site is fictional, generated to show how the register works.
        </p>
      </div>
    </section>
  );
}

/** While a bulk import has the dashboards' rollups deferred (app/services/rollups.server.ts). */
export function RefreshingBanner({ since }: { since: string }) {
  return (
    <div className="govuk-inset-text" data-testid="refreshing-banner">
      Dashboard figures are being refreshed after a bulk import that began {formatDateTime(since)}: until it finishes they do not include the
      contracts it has added. The register itself is up to date.
    </div>
  );
}

export function Document({
  children,
  demo,
  user = null,
  refreshingSince = null,
}: { children: ReactNode; demo: boolean; user?: HeaderUser; refreshingSince?: string | null }) {
  const nonce = useNonce();
  return (
    <html lang="en-GB" className="govuk-template">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="govuk-template__body">
        <a href="#main-content" className="govuk-skip-link">
          Skip to main content
        </a>
        <Header user={user} />
        <div className="govuk-width-container">
          {demo ? <DemoBanner /> : null}
          {refreshingSince ? <RefreshingBanner since={refreshingSince} /> : null}
          <main className="govuk-main-wrapper" id="main-content">
            {children}
          </main>
        </div>
        <footer className="govuk-footer">
          <div className="govuk-width-container">
            <p className="govuk-body-s">
              An independent, open-source register of UK public-sector technology contracts, shaped on the Open Contracting Data
              Standard 1.1. Data published under the Open Government Licence where its source says so.{" "}
              <Link className="govuk-footer__link" to="/methodology">
                How figures are calculated
              </Link>
              .
            </p>
          </div>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const { demo, user, refreshingSince } = useLoaderData<typeof loader>();
  return (
    <Document demo={demo} user={user} refreshingSince={refreshingSince}>
      <Outlet />
    </Document>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("root");
  let title = "Sorry, there is a problem with the service";
  let body: ReactNode = <p className="govuk-body">Try again later.</p>;
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      title = "Page not found";
      body = (
        <>
          <p className="govuk-body">{typeof error.data === "string" && error.data ? error.data : "If you typed the web address, check it is correct."}</p>
          <p className="govuk-body">
            <Link className="govuk-link" to="/contracts">
              Search the register
            </Link>
          </p>
        </>
      );
    } else if (error.status === 400) {
      title = "There is a problem with this address";
      const errors = (error.data as { errors?: { param: string; message: string }[] })?.errors ?? [];
      body = (
        <div className="govuk-error-summary" data-module="govuk-error-summary">
          <div role="alert">
            <h2 className="govuk-error-summary__title">The page could not be shown because of these parameters</h2>
            <div className="govuk-error-summary__body">
              <ul className="govuk-list govuk-error-summary__list">
                {errors.map((e) => (
                  <li key={e.param + e.message}>
                    <code>{e.param}</code>: {e.message}
                  </li>
                ))}
              </ul>
            </div>
          </div>
        </div>
      );
    } else if (error.status === 503) {
      title = "The register is temporarily unavailable";
      body = <p className="govuk-body">The database is not answering. Try again in a few minutes.</p>;
    } else if (error.status === 403) {
      title = "You cannot do that";
      body = <p className="govuk-body">{typeof error.data === "string" ? error.data : "You do not have permission."}</p>;
    }
  }
  const showId = !isRouteErrorResponse(error) || error.status >= 500;
  return (
    <Document demo={data?.demo ?? false} user={data?.user ?? null}>
      <h1 className="govuk-heading-l">{title}</h1>
      {body}
      {showId && data?.requestId ? <p className="govuk-body-s">Request id {data.requestId}</p> : null}
    </Document>
  );
}

/**
 * A generic Atom 1.0 (RFC 4287) writer for feeds of any register view. Text is
 * escaped for XML and stripped of the control characters XML 1.0 forbids
 * (real notices contain them). Dates are written as RFC 3339 UTC.
 */

export interface AtomLink {
  href: string;
  rel?: string;
  type?: string;
}

export interface AtomEntry {
  /** A permanent IRI: the page of the thing the entry is about. */
  id: string;
  title: string;
  updated: Date | string;
  published?: Date | string | null;
  /** The entry's page (rel="alternate"). */
  link: string;
  links?: AtomLink[];
  author?: string | null;
  summary?: string | null;
  categories?: Array<{ term: string; scheme?: string; label?: string }>;
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle?: string;
  /** Defaults to the newest entry's `updated`, else `fallbackUpdated`. */
  updated?: Date | string;
  fallbackUpdated: Date;
  selfHref: string;
  alternateHref?: string;
  author?: string;
  generator?: string;
  entries: AtomEntry[];
}

// XML 1.0 allows tab, newline, carriage return and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to remove them
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlEscape(s: string): string {
  return s
    .replace(INVALID_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export function atomDate(d: Date | string): string {
  return new Date(d).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const link = (l: AtomLink) =>
  `<link${l.rel ? ` rel="${xmlEscape(l.rel)}"` : ""}${l.type ? ` type="${xmlEscape(l.type)}"` : ""} href="${xmlEscape(l.href)}"/>`;

export function atomFeed(feed: AtomFeed): string {
  const newest = feed.entries.reduce<number>((m, e) => Math.max(m, new Date(e.updated).getTime()), Number.NEGATIVE_INFINITY);
  const updated = feed.updated ?? (Number.isFinite(newest) ? new Date(newest) : feed.fallbackUpdated);
  const out: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlEscape(feed.id)}</id>`,
    `  <title>${xmlEscape(feed.title)}</title>`,
  ];
  if (feed.subtitle) out.push(`  <subtitle>${xmlEscape(feed.subtitle)}</subtitle>`);
  out.push(`  ${link({ rel: "self", type: "application/atom+xml", href: feed.selfHref })}`);
  if (feed.alternateHref) out.push(`  ${link({ rel: "alternate", type: "text/html", href: feed.alternateHref })}`);
  out.push(`  <updated>${atomDate(updated)}</updated>`);
  // An author at feed level covers entries without one (RFC 4287 §4.1.1).
  out.push(`  <author><name>${xmlEscape(feed.author ?? "Public Tech Procurement Register")}</name></author>`);
  if (feed.generator) out.push(`  <generator>${xmlEscape(feed.generator)}</generator>`);
  for (const e of feed.entries) {
    out.push("  <entry>");
    out.push(`    <id>${xmlEscape(e.id)}</id>`);
    out.push(`    <title type="text">${xmlEscape(e.title)}</title>`);
    out.push(`    ${link({ rel: "alternate", type: "text/html", href: e.link })}`);
    for (const l of e.links ?? []) out.push(`    ${link(l)}`);
    out.push(`    <updated>${atomDate(e.updated)}</updated>`);
    if (e.published) out.push(`    <published>${atomDate(e.published)}</published>`);
    if (e.author) out.push(`    <author><name>${xmlEscape(e.author)}</name></author>`);
    for (const c of e.categories ?? []) {
      out.push(
        `    <category term="${xmlEscape(c.term)}"${c.scheme ? ` scheme="${xmlEscape(c.scheme)}"` : ""}${c.label ? ` label="${xmlEscape(c.label)}"` : ""}/>`,
      );
    }
    if (e.summary) out.push(`    <summary type="text">${xmlEscape(e.summary)}</summary>`);
    out.push("  </entry>");
  }
  out.push("</feed>", "");
  return out.join("\n");
}

/**
 * The API's OpenAPI 3.1 document, generated from the zod schemas that check
 * the parameters (`RegisterFiltersSchema` for the register's filters,
 * `StatsParamsSchema` for the statistics) and from the zod schemas of the
 * responses below (the tests parse real responses with them, so the document
 * cannot drift from what the API sends). Where a parameter is checked by a
 * refinement against a list (buyer types, regions…), the list is added as the
 * parameter's `enum` from the same constant the refinement uses.
 *
 * The human-readable page (/api) is rendered from this document too.
 */
import { z } from "zod";
import { FLAG_CODES } from "../domain/flags/config";
import { BUYER_TYPES, ITL1_REGIONS, MISSIONS, REGISTER_STATUSES, SENSITIVE_SECTORS } from "../domain/types";
import {
  BUYER_REGIONS,
  CPV_FAMILY_FILTERS,
  GROUP_COUNTRIES,
  METHODS,
  MISSION_FILTERS,
  RegisterFiltersSchema,
  SCALE_FILTERS,
  SORTS,
  SUPPLIER_COUNTRIES,
  SUPPLIER_REGIONS,
} from "./register-filters";
import { StatsParamsSchema } from "./stats.server";
import { SENSITIVE_API_PARAMS, SensitiveFiltersSchema } from "./sensitive.server";
import { PolicyParamsSchema } from "./stats-policy.server";
import { COUNTRY_CLASSES, GROUP_COUNTRY_CLASSES } from "../domain/metrics/policy";
import { ORG_TYPES } from "../domain/types";

// ---------------------------------------------------------------------------
// Response schemas

const pence = z.string().regex(/^-?\d+$/).describe("Integer pence, as a string (exact for any amount).");
const penceOrNull = pence.nullable();
const isoDate = z.string().describe("Date and time, ISO 8601 in UTC.");
const fy = z.string().regex(/^\d{4}-\d{2}$/).describe('UK financial year, e.g. "2024-25".');

export const PageLinksSchema = z.object({
  self: z.string(),
  next: z.string().nullable().describe("The next page, or null on the last page."),
  first: z.string(),
});

export const ContractSchema = z.object({
  ocid: z.string().describe("Open Contracting ID of the contracting process."),
  title: z.string(),
  status: z.enum(REGISTER_STATUSES).describe("Register status (an open tender whose deadline has passed is closed)."),
  buyer: z.object({ id: z.string().nullable(), name: z.string().nullable(), type: z.string().nullable() }).nullable(),
  suppliers: z.array(z.object({ id: z.string(), name: z.string() })),
  supplierScales: z.array(z.enum(["sme", "large", "unknown"])),
  procurementMethod: z.string().nullable(),
  cpv: z.string().nullable().describe("Main CPV code."),
  consultancy: z.boolean(),
  awardDate: isoDate.nullable(),
  tenderDeadline: isoDate.nullable(),
  sortDate: isoDate.describe("The date the register sorts by: award date, else tender publication, else first release."),
  currentValuePence: penceOrNull.describe("Value after the latest amendment."),
  originalValuePence: penceOrNull.describe("Value in the first contract (or award) release."),
  currency: z.string().nullable().describe("ISO 4217 code of the values."),
  links: z.object({ html: z.string(), ocds: z.string() }),
});

export const ContractListSchema = z.object({
  sort: z.enum(Object.keys(SORTS) as [keyof typeof SORTS, ...(keyof typeof SORTS)[]]),
  limit: z.number().int(),
  contracts: z.array(ContractSchema),
  links: PageLinksSchema.extend({ html: z.string(), csv: z.string(), atom: z.string() }),
});

export const OrganisationSchema = z.object({
  id: z.string(),
  name: z.string(),
  scheme: z.string().nullable().describe("org-id scheme of the identifier, e.g. GB-COH."),
  identifier: z.string().nullable(),
  scale: z.enum(["micro", "small", "medium", "sme", "large", "unknown"]).optional().describe("Suppliers: scale on the register entry."),
  buyerType: z.string().nullable().optional().describe("Buyers: type of public body."),
  orgType: z.string(),
  countryCode: z.string().nullable(),
  region: z.string().nullable().describe("ITL1 region code."),
  group: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  contracts: z.number().int().describe("Contracts in the filtered view."),
  valuePence: pence.describe("Value of those contracts in pounds sterling (a supplier's share when a contract has several suppliers)."),
  links: z.object({ html: z.string(), contracts: z.string(), api: z.string() }),
});

export const SupplierListSchema = z.object({ sort: z.literal("name"), limit: z.number().int(), suppliers: z.array(OrganisationSchema), links: PageLinksSchema });
export const BuyerListSchema = z.object({ sort: z.literal("name"), limit: z.number().int(), buyers: z.array(OrganisationSchema), links: PageLinksSchema });

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z.array(z.object({ param: z.string().describe("The parameter at fault."), message: z.string() })).optional(),
});

export const SmeShareSchema = z.looseObject({
  view: z.enum(["awarded", "annualised"]),
  target: z.number().describe("Target share, 0–1."),
  years: z.array(
    z.looseObject({
      fy,
      smeValuePence: pence,
      knownValuePence: pence,
      unknownValuePence: pence,
      share: z.number().nullable().describe("SME ÷ known, 0–1; null when no value of known scale."),
      contracts: z.number().int(),
      coverage: z.number().nullable().optional().describe("Known scale ÷ all value, 0–1."),
      uncertain: z.boolean().optional().describe("Coverage under the threshold in force (uncertainCoverageBelow)."),
      nonGbpContracts: z.number().int().optional().describe("Contracts in other currencies: not in the GBP totals."),
      missingValueContracts: z.number().int().optional().describe("Of `contracts`, those with no published value (counted as £0)."),
      fallbackContracts: z.number().int().optional().describe("Of `contracts`, those with no contract dates: in the annualised view, counted in their award year."),
      yearStatus: z.enum(["complete", "partial"]).optional().describe("partial: today's financial year, figures to date."),
    }),
  ),
  currentFy: fy.optional().describe("Today's financial year: the last one measured."),
  committedYears: z
    .array(z.looseObject({ fy, smeValuePence: pence, knownValuePence: pence, unknownValuePence: pence, share: z.number().nullable(), contracts: z.number().int() }))
    .optional()
    .describe("Years after today's: value committed by contracts already signed, not yet spent (same fields as `years`; not in them)."),
  undatedContracts: z.number().int().optional().describe("Contracts with no date the view can place: in no year."),
});

export const ConsultancySchema = z.looseObject({
  view: z.enum(["awarded", "annualised"]),
  baselineFrom: fy,
  baselineTo: fy,
  targetFy: fy,
  baselinePence: penceOrNull,
  targetPence: penceOrNull,
  baselineYearsMissing: z.array(fy).optional().describe("Baseline years with no contracts at all in scope: left out of the mean."),
  baselineYearsNotYetSpent: z.array(fy).optional().describe("Baseline years after today's: left out of the mean."),
  currentFy: fy.optional().describe("Today's financial year: the last one measured (partial)."),
  years: z.array(
    z.looseObject({
      fy,
      spendPence: penceOrNull.describe(
        "Measured consultancy spend; null when the register has no contracts in scope that year (no data), or for a year after today's (see committedPence). A year with contracts but no consultancy is \"0\".",
      ),
      trajectoryPence: penceOrNull.describe("The trajectory: the baseline at baselineTo, the target from targetFy; null before baselineTo or without a baseline."),
      onTrack: z.boolean().nullable().describe("spend ≤ trajectory; null for baseline years, years with no data and years after today's."),
      contracts: z.number().int(),
      yearStatus: z.enum(["complete", "partial", "committed"]).optional().describe("partial: today's year, to date; committed: a later year, not yet spent."),
      committedPence: penceOrNull.optional().describe("A committed year's value, committed by contracts already signed; null otherwise."),
      registerContracts: z.number().int().optional().describe("Contracts of any kind in scope that year: 0 means no data."),
      missingValueContracts: z.number().int().optional(),
      fallbackContracts: z.number().int().optional().describe("Consultancy contracts with no dates, counted in their award year."),
      nonGbpContracts: z.number().int().optional(),
    }),
  ),
});

export const ConcentrationSchema = z.looseObject({
  fy: fy.nullable(),
  totalPence: pence,
  hhi: z.number().nullable().describe("Herfindahl–Hirschman index, 0–10,000."),
  top: z.array(z.looseObject({ id: z.string(), name: z.string(), valuePence: pence, share: z.number() })).describe("Top N (10 unless configured; see topN)."),
  topN: z.number().int().optional(),
  contracts: z.number().int().optional().describe("Contracts behind the figures."),
  missingValueContracts: z.number().int().optional(),
  fallbackContracts: z.number().int().optional(),
  undatedContracts: z.number().int().optional().describe("Contracts with no date the view can place: in no year."),
  years: z
    .array(
      z.looseObject({
        fy,
        totalPence: pence,
        hhi: z.number(),
        topShare: z.number().nullable(),
        highlyConcentrated: z.boolean().optional(),
        suppliers: z.number().int().optional(),
        contracts: z.number().int().optional(),
        missingValueContracts: z.number().int().optional(),
        fallbackContracts: z.number().int().optional(),
        yearStatus: z.enum(["complete", "partial", "committed"]).optional().describe("committed: a year after today's (annualised view): not yet spent."),
      }),
    )
    .optional(),
});

// Policy dashboards (issue 8): awarded value, GBP only.
const policySlice = z.looseObject({
  valuePence: pence,
  awards: z.number().int().describe("Supplier lines: each contract counted once for each supplier it names."),
  share: z.number().nullable().describe("Of the total value of the year (or group), 0–1; null when that total is 0."),
});
const policyCommon = { view: z.literal("awarded"), from: fy.nullable(), to: fy.nullable(), buyerType: z.string().nullable(), cpv: z.string().nullable() };
const byKeys = (keys: readonly string[]) => z.looseObject(Object.fromEntries(keys.map((k) => [k, policySlice])));
const smeFigure = {
  valuePence: pence,
  smeValuePence: pence,
  knownValuePence: pence,
  unknownValuePence: pence,
  share: z.number().nullable().describe("SME ÷ known scale, 0–1."),
  coverage: z.number().nullable().describe("Known scale ÷ all value, 0–1."),
  uncertain: z.boolean(),
  awards: z.number().int(),
};

export const SupplierCountriesSchema = z.looseObject({
  ...policyCommon,
  country: z.enum(COUNTRY_CLASSES as unknown as [string, ...string[]]).describe("The class the top-groups tables rank."),
  ukCountryCodes: z.array(z.string()),
  total: z.looseObject({ valuePence: pence, awards: z.number().int() }),
  years: z.array(z.looseObject({ fy, valuePence: pence, awards: z.number().int(), country: byKeys(COUNTRY_CLASSES), groupCountry: byKeys(GROUP_COUNTRY_CLASSES) })),
  buyerTypes: z.array(z.looseObject({ buyerType: z.string().nullable(), valuePence: pence, country: byKeys(COUNTRY_CLASSES) })),
  topGroups: z.looseObject({
    cloud: z.looseObject({ prefixes: z.array(z.string()), rows: z.array(z.looseObject({ kind: z.enum(["group", "supplier"]), id: z.string(), name: z.string(), countryCode: z.string().nullable(), valuePence: pence, awards: z.number().int() })) }),
    software: z.looseObject({ prefixes: z.array(z.string()), rows: z.array(z.looseObject({ kind: z.enum(["group", "supplier"]), id: z.string(), name: z.string(), countryCode: z.string().nullable(), valuePence: pence, awards: z.number().int() })) }),
  }),
  coverage: z.looseObject({ unknownCountryPence: pence, knownShare: z.number().nullable() }),
});

export const OrganisationTypesSchema = z.looseObject({
  ...policyCommon,
  target: z.looseObject({ types: z.array(z.string()), baselineFy: fy, multiplier: z.number(), baselineShare: z.number().nullable(), targetShare: z.number().nullable() }),
  years: z.array(z.looseObject({ fy, valuePence: pence, awards: z.number().int(), types: byKeys(ORG_TYPES), targetTypesShare: z.number().nullable(), onTarget: z.boolean().nullable() })),
  suppliers: z.looseObject({ type: z.string(), total: z.number().int(), rows: z.array(z.looseObject({ id: z.string(), name: z.string(), valuePence: pence, awards: z.number().int() })) }),
  coverage: z.looseObject({ unknownTypePence: pence, knownShare: z.number().nullable() }),
});

export const RegionsStatsSchema = z.looseObject({
  ...policyCommon,
  region: z.string().nullable().describe("The buyers' region filter in force."),
  supplierRegions: z.array(z.looseObject({ region: z.string().describe("ITL1 code, overseas or unknown."), label: z.string(), ...smeFigure })),
  buyerRegions: z.array(z.looseObject({ region: z.string(), label: z.string(), ...smeFigure })),
  coverage: z.looseObject({ totalPence: pence, supplierUnknownPence: pence, supplierOverseasPence: pence, buyerUnknownPence: pence, buyerOverseasPence: pence }),
});

export const MissionsStatsSchema = z.looseObject({
  ...policyCommon,
  mission: z.string().nullable(),
  missions: z.array(z.looseObject({ mission: z.string(), label: z.string(), ...smeFigure })),
  none: z.looseObject({ mission: z.literal("none"), ...smeFigure }),
  total: z.looseObject({ mission: z.literal("all"), ...smeFigure }),
  years: z.array(z.looseObject({ fy, valuePence: pence })),
  coverage: z.looseObject({ totalPence: pence, untaggedPence: pence, taggedShare: z.number().nullable() }),
});

const sensitiveTotals = {
  contracts: z.number().int(),
  valuePence: pence.describe("Current value in pounds sterling (contracts in other currencies or with no value add nothing)."),
  nonGbpContracts: z.number().int(),
  noValueContracts: z.number().int().describe("Contracts with no current value (tenders not yet awarded, or none published)."),
  noCpvContracts: z.number().int(),
  noCpvValuePence: pence,
  noSupplierContracts: z.number().int(),
  noSupplierValuePence: pence,
  withDataProtection: z.number().int().describe("Contracts with a data protection impact assessment attached."),
  withAlgorithmicTransparency: z.number().int().describe("Contracts with an algorithmic transparency record attached."),
  withTransparencyDocument: z.number().int().describe("Contracts with either."),
  transparencyShare: z.number().nullable().describe("withTransparencyDocument ÷ contracts, 0–1; null with no contracts."),
};

export const SensitiveStatsSchema = z.looseObject({
  filters: z.looseObject({}),
  documentTypes: z.array(z.string()).describe("The OCDS documentType values that count as a transparency document."),
  total: z.looseObject(sensitiveTotals),
  sectors: z.array(
    z.looseObject({
      sector: z.enum(Object.keys(SENSITIVE_SECTORS) as [string, ...string[]]),
      label: z.string(),
      ...sensitiveTotals,
      links: z.object({ html: z.string(), contracts: z.string() }),
    }),
  ),
  buyers: z
    .array(
      z.looseObject({
        id: z.string().nullable(),
        name: z.string().nullable(),
        buyerType: z.string().nullable(),
        ...sensitiveTotals,
        links: z.object({ html: z.string(), contracts: z.string().nullable() }),
      }),
    )
    .describe("The 50 buyers with most value."),
  buyersTotal: z.number().int(),
});

// ---------------------------------------------------------------------------
// Parameters

interface ParamDoc {
  description: string;
  /** The list a refinement checks against (not visible to JSON Schema). */
  enum?: readonly string[];
  /** The form a refinement checks (e.g. a financial year). */
  pattern?: string;
}

const FY_PATTERN = "^\\d{4}-\\d{2}$";

const REGISTER_PARAM_DOCS: Record<string, ParamDoc> = {
  q: { description: "Words in the title, description, buyer or supplier (web-search syntax: quotes, OR, -word)." },
  buyer: { description: "A buyer's id (from /api/v1/buyers)." },
  buyerType: { description: "Type of public body.", enum: BUYER_TYPES },
  supplier: { description: "A supplier's id (from /api/v1/suppliers)." },
  scale: { description: "Contracts with at least one supplier of this scale.", enum: Object.keys(SCALE_FILTERS) },
  cpv: { description: "CPV code or prefix (2 to 8 digits) of the main classification." },
  consultancy: { description: "Consultancy by the register's rule (see /methodology)." },
  status: { description: "Register status; open and closed are decided against the current time.", enum: REGISTER_STATUSES },
  method: { description: "Procedure type.", enum: Object.keys(METHODS) },
  region: {
    description:
      "The buyer's ITL1 region (a code TLC to TLN), or overseas (a buyer registered outside the UK) or unknown (a buyer whose region is not known). See /methodology for how regions are derived.",
    enum: Object.keys(BUYER_REGIONS),
  },
  mission: {
    description: "Government mission the contract serves (tender.x_missions), or none (no mission tag) or any (at least one mission tag).",
    enum: Object.keys(MISSION_FILTERS),
  },
  sector: { description: "Sensitive sector.", enum: Object.keys(SENSITIVE_SECTORS) },
  minValue: { description: "Minimum current value, in pounds (e.g. 250000 or 1234.50)." },
  maxValue: { description: "Maximum current value, in pounds." },
  fy: { description: 'Financial year of the award, e.g. "2024-25".', pattern: FY_PATTERN },
  activeFy: {
    description: 'Contracts whose contract period includes this financial year (the annualised view), e.g. "2024-25".',
    pattern: FY_PATTERN,
  },
  from: { description: "Sort date on or after this day (YYYY-MM-DD)." },
  to: { description: "Sort date on or before this day (YYYY-MM-DD)." },
  flag: { description: "Contracts raising this red flag (see /watch).", enum: FLAG_CODES },
  supplierCountry: { description: "At least one supplier registered in the UK, overseas, or of unknown country (no country = unknown, never UK).", enum: Object.keys(SUPPLIER_COUNTRIES) },
  orgType: { description: "At least one supplier of this organisation type.", enum: [...ORG_TYPES] },
  supplierRegion: { description: "At least one supplier in this ITL1 region, overseas, or of unknown region.", enum: Object.keys(SUPPLIER_REGIONS) },
  group: { description: "At least one supplier in this parent group (a group id); value is the part that went to the group's suppliers." },
  groupCountry: {
    description:
      "At least one supplier whose parent group is registered in the UK, overseas, or of unknown country; none: a supplier with no parent group known.",
    enum: Object.keys(GROUP_COUNTRIES),
  },
  cpvFamily: {
    description: "Main CPV code in this family of the policy configuration (the prefixes are on /methodology).",
    enum: Object.keys(CPV_FAMILY_FILTERS),
  },
  fromFy: { description: 'First financial year of award, e.g. "2024-25" (inclusive).', pattern: FY_PATTERN },
  toFy: { description: 'Last financial year of award, e.g. "2024-25" (inclusive; not before fromFy).', pattern: FY_PATTERN },
  sort: { description: "Order of the results; relevance needs q. Ties are broken by ocid, so pages are stable.", enum: Object.keys(SORTS) },
  cursor: { description: "Opaque position from a previous page's links.next; do not build it yourself." },
};

const POLICY_PARAM_DOCS: Record<string, ParamDoc> = {
  from: { description: "First financial year of award, e.g. 2021-22.", pattern: FY_PATTERN },
  to: { description: "Last financial year of award.", pattern: FY_PATTERN },
  fy: { description: "One financial year (instead of from/to).", pattern: FY_PATTERN },
  buyerType: { description: "Type of public body.", enum: BUYER_TYPES },
  cpv: { description: "CPV code or prefix (2 to 8 digits) of the main classification." },
  country: { description: "Country class the top cloud and software groups are ranked for (default overseas); unknown values are a 400.", enum: COUNTRY_CLASSES },
  type: { description: "Organisation type whose suppliers are listed (default cooperative); unknown values are a 400.", enum: ORG_TYPES },
  region: { description: "Only buyers in this ITL1 region (the register's region filter); unknown codes are a 400.", enum: Object.keys(ITL1_REGIONS) },
  mission: { description: "The mission shown by year (default: tagged against untagged value); unknown codes are a 400.", enum: Object.keys(MISSIONS) },
};

const LIMIT_PARAM = {
  name: "limit",
  in: "query",
  required: false,
  description: "Items per page, 1 to 100.",
  schema: { type: "integer", minimum: 1, maximum: 100, default: 25 },
};

const STATS_PARAM_DOCS: Record<string, ParamDoc> = {
  from: { description: "First financial year, e.g. 2021-22 (default: the first year with data).", pattern: FY_PATTERN },
  to: { description: "Last financial year (default: the last year with data).", pattern: FY_PATTERN },
  fy: { description: "One financial year (instead of from/to).", pattern: FY_PATTERN },
  view: { description: "Awarded value (in the year of award) or annualised value (spread over the contract period).", enum: ["awarded", "annualised"] },
  buyer: { description: "One buyer's id (default: all buyers)." },
  buyerType: { description: "Type of public body.", enum: BUYER_TYPES },
  cpv: { description: "CPV code or prefix (2 to 8 digits)." },
  by: { description: "Concentration by supplier or by supplier group.", enum: ["supplier", "group"] },
  baselineFrom: { description: "First year of the pledge's baseline (overrides the configuration).", pattern: FY_PATTERN },
  baselineTo: { description: "Last year of the pledge's baseline.", pattern: FY_PATTERN },
  targetFy: { description: "Year the halved spend is to be reached.", pattern: FY_PATTERN },
  refs: { description: "Reference lines (manifesto and Treasury figures) in charts.", enum: ["show", "hide"] },
};

const SENSITIVE_PARAM_DOCS: Record<string, ParamDoc> = {
  sector: { description: "Sensitive sector.", enum: Object.keys(SENSITIVE_SECTORS) },
  buyer: { description: "One buyer's id (from /api/v1/buyers)." },
  buyerType: { description: "Type of public body.", enum: BUYER_TYPES },
  cpv: { description: "CPV code or prefix (2 to 8 digits) of the main classification." },
  fy: { description: 'Financial year of the award, e.g. "2024-25".', pattern: FY_PATTERN },
  transparency: { description: "Only contracts with (yes) or without (no) a transparency document." },
  supplier: { description: "One supplier's id (from /api/v1/suppliers): contracts with this supplier." },
  minValue: { description: "Minimum current value, in pounds (e.g. 250000 or 1234.50)." },
  maxValue: { description: "Maximum current value, in pounds (not below minValue)." },
  from: { description: "Sort date (the award date, else the tender's publication) on or after this day, YYYY-MM-DD (UK days)." },
  to: { description: "Sort date on or before this day, YYYY-MM-DD (UK days; not before from)." },
};

type JsonSchema = Record<string, unknown>;

function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _s, ...rest } = schema;
  return rest;
}

/** Query parameters from a zod object schema: the JSON Schema of each field (as input), described and, where checked by a list, enumerated. */
export function queryParameters(schema: z.ZodObject, docs: Record<string, ParamDoc>, keys?: readonly string[]) {
  const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties: Record<string, JsonSchema> };
  return Object.entries(js.properties)
    .filter(([name]) => !keys || keys.includes(name))
    .map(([name, s]) => {
      const doc = docs[name];
      const fieldSchema: JsonSchema = { ...s, ...(doc?.enum ? { enum: [...doc.enum] } : {}) };
      if (doc?.pattern && !fieldSchema.pattern) fieldSchema.pattern = doc.pattern;
      return { name, in: "query", required: false, ...(doc ? { description: doc.description } : {}), schema: fieldSchema };
    });
}

const component = (s: z.ZodType) => strip(z.toJSONSchema(s, { io: "output", unrepresentable: "any" }) as JsonSchema);
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: JsonSchema) => ({ "application/json": { schema } });

const problemResponses = {
  "400": { description: "A parameter is wrong; `errors` names each one.", content: { "application/problem+json": { schema: ref("Problem") } } },
};
const cached = {
  ETag: { description: "Hash of the body; send it back in If-None-Match to get 304 Not Modified.", schema: { type: "string" } },
  "Cache-Control": { description: "How long the answer may be reused.", schema: { type: "string" } },
};
const notModified = { "304": { description: "Not modified (If-None-Match matched the ETag)." } };

const OCDS_SCHEMA = "https://standard.open-contracting.org/schema/1__1__5";

export function openApiDocument(origin: string) {
  const registerParams = queryParameters(RegisterFiltersSchema, REGISTER_PARAM_DOCS);
  const orgParams = registerParams.filter((p) => p.name !== "sort");
  const stats = (keys: string[]) => queryParameters(StatsParamsSchema, STATS_PARAM_DOCS, keys);
  const get = (summary: string, description: string, parameters: unknown[], ok: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    get: {
      summary,
      description,
      parameters,
      responses: { "200": { description: "OK", headers: cached, content: ok }, ...notModified, ...problemResponses, ...extra },
    },
  });
  return {
    openapi: "3.1.0",
    info: {
      title: "Public Tech Procurement Register API",
      version: "1.0.0",
      summary: "UK public-sector technology contracts, suppliers and buyers; OCDS 1.1 exports; SME, consultancy and concentration statistics.",
      description: [
        "Read-only JSON over HTTPS, no key needed. Open Government Licence v3.0.",
        "Money is in fields ending `Pence`: strings of integer pence (exact for any amount). Financial years are written `2024-25`. Dates are ISO 8601 in UTC.",
        "Lists take the register's filters (the same as the /contracts page), `limit` (1–100) and an opaque `cursor`; follow `links.next` (also sent as a `Link: rel=\"next\"` header) until it is null. Sorting is stable.",
        "Every GET answer carries an ETag and Cache-Control; send If-None-Match to get 304. CORS is open for GET (and the OPTIONS preflight).",
        "Errors are RFC 9457 `application/problem+json`; `errors[].param` names the parameter at fault. An unknown parameter is an error.",
      ].join("\n\n"),
      license: { name: "Open Government Licence v3.0", url: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" },
    },
    servers: [{ url: origin }],
    paths: {
      "/api/v1/contracts": get(
        "Contracts (the register)",
        "The register's contracts with its filters, one page at a time.",
        [...registerParams, LIMIT_PARAM],
        jsonContent(ref("ContractList")),
      ),
      "/api/v1/suppliers": get(
        "Suppliers",
        "Suppliers with at least one contract in the filtered view, by name; `contracts` and `valuePence` count that view.",
        [...orgParams, LIMIT_PARAM],
        jsonContent(ref("SupplierList")),
      ),
      "/api/v1/buyers": get(
        "Buyers",
        "Buyers with at least one contract in the filtered view, by name; `contracts` and `valuePence` count that view.",
        [...orgParams, LIMIT_PARAM],
        jsonContent(ref("BuyerList")),
      ),
      "/api/v1/ocds/releases": get(
        "OCDS release package",
        "An OCDS 1.1 release package holding every release of one page of contracts (the register's filters and sort; `limit` contracts per page). `links.next` gives the next page.",
        [...registerParams, LIMIT_PARAM],
        jsonContent({ $ref: `${OCDS_SCHEMA}/release-package-schema.json` }),
      ),
      "/api/v1/ocds/releases.jsonl": {
        get: {
          summary: "Every release (JSON Lines)",
          description: "The full dump: every release the register holds, one JSON object per line, in the order received. Streamed.",
          parameters: [],
          responses: {
            "200": {
              description: "OK",
              content: { "application/x-ndjson": { schema: { $ref: `${OCDS_SCHEMA}/release-schema.json` } } },
            },
          },
        },
      },
      "/api/v1/ocds/records/{ocid}": {
        get: {
          summary: "OCDS record package",
          description: "One contracting process: all its releases and the compiled release (its current state).",
          parameters: [{ name: "ocid", in: "path", required: true, schema: { type: "string" }, description: "Open Contracting ID." }],
          responses: {
            "200": { description: "OK", headers: cached, content: jsonContent({ $ref: `${OCDS_SCHEMA}/record-package-schema.json` }) },
            ...notModified,
            "404": { description: "No such process.", content: { "application/problem+json": { schema: ref("Problem") } } },
          },
        },
      },
      "/api/v1/stats/sme-share": get(
        "SME share by financial year",
        "Value to SME suppliers ÷ value to suppliers of known scale, per year (default view: awarded).",
        stats(["from", "to", "view", "buyer", "buyerType", "cpv"]),
        jsonContent(ref("SmeShare")),
      ),
      "/api/v1/stats/consultancy": get(
        "Consultancy spend and the pledge",
        "Consultancy spend per year against the pledge to halve it (default view: annualised); the baseline and target year can be overridden.",
        stats(["view", "buyer", "baselineFrom", "baselineTo", "targetFy"]),
        jsonContent(ref("Consultancy")),
      ),
      "/api/v1/stats/concentration": get(
        "Supplier concentration",
        "Top-10 suppliers (or groups) and the Herfindahl–Hirschman index for a year (default view: awarded).",
        stats(["fy", "by", "view", "buyer"]),
        jsonContent(ref("Concentration")),
      ),
      "/api/v1/stats/sensitive": get(
        "Sensitive-sector technology contracts",
        "Contracts in a sensitive sector (education, health, policing, justice, immigration, welfare) by sector and by buyer: count, value, coverage and how many have a data protection impact assessment or algorithmic transparency record attached. An unknown sector code is a 400 naming `sector`.",
        queryParameters(SensitiveFiltersSchema, SENSITIVE_PARAM_DOCS, SENSITIVE_API_PARAMS),
        jsonContent(ref("SensitiveStats")),
      ),
      "/api/v1/stats/supplier-countries": get(
        "Where the money goes: suppliers' country of registration",
        "Value and awards per year and buyer type by the supplier's country of registration (UK, overseas, unknown: no country is unknown, never UK) and by its parent group's country; the top groups in cloud and software CPV families. Awarded value.",
        queryParameters(PolicyParamsSchema, POLICY_PARAM_DOCS, ["from", "to", "fy", "buyerType", "cpv", "country"]),
        jsonContent(ref("SupplierCountries")),
      ),
      "/api/v1/stats/organisation-types": get(
        "Co-operatives, mutuals and VCSEs",
        "Share of value and awards per year by the supplier's organisation type, against the target (a multiple of the baseline year's co-operative share), and the suppliers of one type. Awarded value.",
        queryParameters(PolicyParamsSchema, POLICY_PARAM_DOCS, ["from", "to", "fy", "buyerType", "cpv", "type"]),
        jsonContent(ref("OrganisationTypes")),
      ),
      "/api/v1/stats/regions": get(
        "SME share and value by region",
        "SME share and value by the ITL1 region of the supplier and of the buyer (overseas and unknown shown apart). Awarded value.",
        queryParameters(PolicyParamsSchema, POLICY_PARAM_DOCS, ["from", "to", "fy", "buyerType", "cpv", "region"]),
        jsonContent(ref("RegionsStats")),
      ),
      "/api/v1/stats/missions": get(
        "Value and SME share by government mission",
        "Value and SME share per mission tag (a contract with two missions counts under each), contracts with none, the total, and by year. Awarded value.",
        queryParameters(PolicyParamsSchema, POLICY_PARAM_DOCS, ["from", "to", "fy", "buyerType", "cpv", "mission"]),
        jsonContent(ref("MissionsStats")),
      ),
      "/api/v1/openapi.json": {
        get: { summary: "This document", responses: { "200": { description: "OK", content: jsonContent({ type: "object" }) } } },
      },
    },
    components: {
      schemas: {
        Contract: component(ContractSchema),
        ContractList: component(ContractListSchema),
        Organisation: component(OrganisationSchema),
        SupplierList: component(SupplierListSchema),
        BuyerList: component(BuyerListSchema),
        SmeShare: component(SmeShareSchema),
        Consultancy: component(ConsultancySchema),
        Concentration: component(ConcentrationSchema),
        SupplierCountries: component(SupplierCountriesSchema),
        OrganisationTypes: component(OrganisationTypesSchema),
        RegionsStats: component(RegionsStatsSchema),
        MissionsStats: component(MissionsStatsSchema),
        SensitiveStats: component(SensitiveStatsSchema),
        Problem: component(ProblemSchema),
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

import { describe, expect, it } from "vitest";
import { parseEnv as parse } from "./env.server";

/** The process environment type insists on NODE_ENV; these tests leave it out on purpose. */
const parseEnv = (raw: Record<string, string>) => parse(raw as NodeJS.ProcessEnv);

const SECRET = "env-test-secret-0123456789abcdef";
const prod = (extra: Record<string, string> = {}) => parseEnv({ NODE_ENV: "production", SESSION_SECRET: SECRET, ...extra });
const problems = (raw: Record<string, string>): string => {
  try {
    parseEnv(raw);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected parseEnv to refuse the environment");
};

describe("demonstration data (DEMO, DEMO_CONTRACTS)", () => {
  it("development and test load 20,000 demonstration contracts by default", () => {
    expect(parseEnv({})).toMatchObject({ NODE_ENV: "development", DEMO: true, DEMO_CONTRACTS: 20_000, DEMO_SEED: 1 });
    expect(parseEnv({ NODE_ENV: "test" })).toMatchObject({ DEMO: true, DEMO_CONTRACTS: 20_000 });
  });

  it("production loads them only when asked: DEMO=1 or DEMO_CONTRACTS set; DEMO=0 always wins", () => {
    expect(prod().DEMO).toBe(false);
    expect(prod({ DEMO_CONTRACTS: "" }).DEMO).toBe(false); // empty counts as unset
    expect(prod({ DEMO: "1" })).toMatchObject({ DEMO: true, DEMO_CONTRACTS: 20_000 });
    expect(prod({ DEMO_CONTRACTS: "500" })).toMatchObject({ DEMO: true, DEMO_CONTRACTS: 500 });
    expect(prod({ DEMO: "0", DEMO_CONTRACTS: "500" }).DEMO).toBe(false);
    expect(parseEnv({ DEMO: "0" }).DEMO).toBe(false);
    expect(problems({ DEMO: "yes" })).toMatch(/^ {2}DEMO: must be "1"/m);
  });
});

describe("red-flag thresholds (FLAG_*) and STATS_CACHE are validated at start", () => {
  it("a bad FLAG_* value stops start-up, naming every bad variable", () => {
    const m = problems({ FLAG_SHORT_TENDER_DAYS: "soon", FLAG_REPEAT_WINDOW_DAYS: "0", FLAG_VALUE_INCREASE_PCT: "25" });
    expect(m).toMatch(/^Invalid environment:/);
    expect(m).toMatch(/^ {2}FLAG_SHORT_TENDER_DAYS: must be a finite non-negative number \(got "soon"\)$/m);
    expect(m).toMatch(/^ {2}FLAG_REPEAT_WINDOW_DAYS: must be at least 1 day/m);
    expect(m).not.toContain("FLAG_VALUE_INCREASE_PCT");
  });

  it("a misspelt FLAG_ variable is an error, not silently ignored; good values pass", () => {
    expect(problems({ FLAG_SHORT_TENDER_DAY: "10" })).toMatch(/^ {2}FLAG_SHORT_TENDER_DAY: is not a red-flag setting \(they are FLAG_SHORT_TENDER_DAYS, /m);
    expect(() => parseEnv({ FLAG_SHORT_TENDER_DAYS: "15", FLAG_SPLIT_THRESHOLD_PENCE: "10000000", FLAG_VALUE_INCREASE_PCT: "12.5" })).not.toThrow();
  });

  it("errors of the schema and of the thresholds are reported together", () => {
    const m = problems({ PORT: "http", FLAG_LATE_PUBLICATION_DAYS: "-1" });
    expect(m).toMatch(/^ {2}PORT: /m);
    expect(m).toMatch(/^ {2}FLAG_LATE_PUBLICATION_DAYS: /m);
  });

  it("STATS_CACHE is on or off", () => {
    expect(parseEnv({}).STATS_CACHE).toBe("on");
    expect(parseEnv({ STATS_CACHE: "off" }).STATS_CACHE).toBe("off");
    expect(problems({ STATS_CACHE: "false" })).toMatch(/^ {2}STATS_CACHE: must be "on" or "off"$/m);
  });
});

describe("TRUST_PROXY and body limits", () => {
  it("takes Express's forms: loopback by default, a hop count, presets, addresses and CIDRs", () => {
    expect(parseEnv({}).TRUST_PROXY).toBe("loopback");
    expect(parseEnv({ TRUST_PROXY: "2" }).TRUST_PROXY).toBe(2);
    expect(parseEnv({ TRUST_PROXY: "0" }).TRUST_PROXY).toBe(0);
    expect(parseEnv({ TRUST_PROXY: " loopback, 10.0.0.0/8 ,192.168.1.7, fd00::/8,uniquelocal" }).TRUST_PROXY).toBe(
      "loopback,10.0.0.0/8,192.168.1.7,fd00::/8,uniquelocal",
    );
  });

  it("refuses what would let any client choose its address, or that is not an address", () => {
    for (const bad of ["true", "10.0.0.0/33", "10.0.0/8", "lb.internal", "loopback,,10.0.0.1", "::1/129", "999"]) {
      expect(problems({ TRUST_PROXY: bad }), bad).toMatch(/^ {2}TRUST_PROXY: /m);
    }
  });

  it("MAX_FORM_BYTES (every body but the bulk upload) defaults to 256 KiB; MAX_BODY_BYTES (the bulk upload) to 20 MiB", () => {
    expect(parseEnv({})).toMatchObject({ MAX_FORM_BYTES: 256 * 1024, MAX_BODY_BYTES: 20 * 1024 * 1024 });
    expect(problems({ MAX_FORM_BYTES: "10" })).toMatch(/^ {2}MAX_FORM_BYTES: /m);
  });
});

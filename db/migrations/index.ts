import type { Migration } from "kysely";
import * as m0001 from "./0001_register";
import * as m0002 from "./0002_dashboards";
import * as m0003 from "./0003_publishing";
import * as m0004 from "./0004_flags";
import * as m0005 from "./0005_import";
import * as m0006 from "./0006_production";
import * as m0007 from "./0007_sensitive";
import * as m0008 from "./0008_register_indexes";
import * as m0009 from "./0009_deferred_rollups";
import * as m0010 from "./0010_organisation_aliases";
import * as m0011 from "./0011_sensitive_technology_regions";
import * as m0012 from "./0012_data_version";
import * as m0013 from "./0013_flag_facts";

/** Every migration, in order. Never edit one that has shipped: add a new one. */
export const migrations: Record<string, Migration> = {
  "0001_register": m0001,
  "0002_dashboards": m0002,
  "0003_publishing": m0003,
  "0004_flags": m0004,
  "0005_import": m0005,
  "0006_production": m0006,
  "0007_sensitive": m0007,
  "0008_register_indexes": m0008,
  "0009_deferred_rollups": m0009,
  "0010_organisation_aliases": m0010,
  "0011_sensitive_technology_regions": m0011,
  "0012_data_version": m0012,
  "0013_flag_facts": m0013,
};

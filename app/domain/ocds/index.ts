/** OCDS: compiling releases, reading them into the register's terms, checking them. Pure code. */
export { type CompiledRelease, compileReleases, mergeObject, sortReleases } from "./compile";
export { londonLocalToUtcMs, londonOffsetMinutes, parseSourceDate, sourceDateMs } from "./dates";
export { countryCodeFromName, deriveRegisterStatus, mapCompiledRelease, mapParty, type StatusInputs } from "./map";
export { cleanText, decodeEntities, normaliseName } from "./text";
export { type CheckResult, checkRelease, releaseSchema } from "./validate";

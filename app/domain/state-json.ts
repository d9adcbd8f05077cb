/**
 * ContractState holds bigint pence; JSON cannot. Stored and sent as strings of
 * integer pence (in fields ending `Pence` by convention).
 */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

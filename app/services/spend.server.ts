/**
 * Dashboard inputs maintained on write (issue 3): for every process written,
 * its spend lines (one per supplier: the supplier's part of the current value,
 * app/domain/metrics/spend-lines.ts) and their annualised parts. Triggers on
 * these tables keep the rollups in step (db/migrations/0002_dashboards.ts).
 *
 * Called by derived.server.ts inside the writer's transaction, after the
 * processes and their award suppliers are written. Two reads and at most four
 * bulk statements per batch, whatever its size; no per-row queries.
 */
import type { Insertable } from "kysely";
import type { SpendAnnualTable, SpendLinesTable } from "../../db/schema";
import { type SpendSupplierRow, deleteSpendFor, readSpendInputs } from "../../db/queries/stats";
import { type Executor, insertChunked } from "../../db/queries/util";
import { scaleClass } from "../domain/metrics/scale";
import { spendBreakdown } from "../domain/metrics/spend-lines";
import type { ContractState, Scale } from "../domain/types";
import type { ProcessWrite } from "../../db/queries/write";
import type { DerivedOptions } from "./derived.server";

export interface SpendRows {
  lines: Insertable<SpendLinesTable>[];
  annual: Insertable<SpendAnnualTable>[];
}

export type SpendInputs = Awaited<ReturnType<typeof readSpendInputs>>;

/** The same inputs as readSpendInputs, from the rows a writer has just written (no read back). */
export function spendInputsFromWrites(writes: readonly ProcessWrite[]): SpendInputs {
  const inputs: SpendInputs = { processes: new Map(), suppliers: new Map() };
  for (const w of writes) {
    const p = w.process;
    inputs.processes.set(p.ocid, {
      ocid: p.ocid,
      buyer_id: p.buyer_id == null ? null : BigInt(p.buyer_id),
      buyer_type: p.buyer_type ?? null,
      cpv: p.cpv ?? null,
      consultancy: p.consultancy,
      award_fy: p.award_fy ?? null,
      current_value_pence: p.current_value_pence == null ? null : BigInt(p.current_value_pence),
      currency: p.currency ?? null,
    });
    const m = new Map<string, SpendSupplierRow>();
    for (const a of w.awardSuppliers) {
      m.set(`${a.award_id}\u0000${a.position}`, { ocid: a.ocid, award_id: a.award_id, position: a.position, supplier_id: BigInt(a.supplier_id), scale: a.scale });
    }
    inputs.suppliers.set(p.ocid, m);
  }
  return inputs;
}

/** The spend rows of these (already written) processes: from `inputs` when the writer has them, else read back. */
export async function buildSpendRows(db: Executor, states: ContractState[], inputs?: SpendInputs): Promise<SpendRows> {
  const out: SpendRows = { lines: [], annual: [] };
  if (states.length === 0) return out;
  const { processes, suppliers } =
    inputs ??
    (await readSpendInputs(
      db,
      states.map((s) => s.ocid),
    ));
  for (const s of states) {
    const p = processes.get(s.ocid);
    if (!p) continue;
    const bySlot = suppliers.get(s.ocid);
    const breakdown = spendBreakdown({
      currentValuePence: p.current_value_pence,
      currency: p.currency,
      awardDate: s.awardDate,
      startDate: s.startDate,
      endDate: s.endDate,
      awards: s.awards.map((a) => ({
        id: a.id,
        status: a.status,
        valuePence: a.valuePence,
        suppliers: a.suppliers.flatMap((sup, i) => {
          const row = bySlot?.get(`${a.id}\u0000${i}`);
          if (!row) return [];
          return [
            {
              key: String(row.supplier_id),
              publishedValuePence: sup.valuePence,
              scaleClass: scaleClass(row.scale as Scale),
            },
          ];
        }),
      })),
      contracts: s.contracts.map((c) => ({ awardId: c.awardId, status: c.status, valuePence: c.valuePence })),
    });
    const common = {
      ocid: s.ocid,
      buyer_id: p.buyer_id,
      buyer_type: p.buyer_type ?? "",
      cpv: p.cpv ?? "",
      consultancy: p.consultancy,
      gbp: breakdown.gbp,
      missing_value: breakdown.missingValue,
      fallback: breakdown.annualiseMethod === "awarded",
    };
    breakdown.lines.forEach((l, i) => {
      out.lines.push({
        ...common,
        line: i,
        supplier_id: l.key,
        scale_class: l.scaleClass,
        fy: p.award_fy ?? breakdown.awardedFy,
        quarter: breakdown.awardedQuarter,
        value_pence: l.valuePence,
        first_line: i === 0,
      });
      l.annual.forEach((a, k) => {
        out.annual.push({
          ...common,
          line: i,
          fy: a.fy,
          supplier_id: l.key,
          scale_class: l.scaleClass,
          value_pence: a.pence,
          first_line: i === 0,
          first_year: k === 0,
        });
      });
    });
  }
  return out;
}

export async function writeSpendFor(db: Executor, states: ContractState[], opts: DerivedOptions, inputs?: SpendInputs): Promise<void> {
  if (states.length === 0) return;
  if (!opts.fresh) {
    await deleteSpendFor(
      db,
      states.map((s) => s.ocid),
    );
  }
  const rows = await buildSpendRows(db, states, inputs);
  await insertChunked(db, "spend_lines", rows.lines);
  await insertChunked(db, "spend_annual", rows.annual);
}

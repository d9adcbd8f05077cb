/**
 * Derived data kept in step with the compiled state on every write (seed,
 * import, publish): dashboard aggregates' inputs and red flags. Called by
 * ingest.server.ts inside the writer's transaction, after the processes are
 * replaced. Each concern lives in its own module.
 */
import type { Executor } from "../../db/queries/util";
import type { ContractState } from "../domain/types";
import { writeFlagsFor } from "./flags.server";
import { spendInputsFromWrites, writeSpendFor } from "./spend.server";
import type { ProcessWrite } from "../../db/queries/write";

export interface DerivedOptions {
  /** Every ocid is new (bulk seeding): no old derived rows to delete. */
  fresh: boolean;
}

export async function afterProcessesWritten(
  db: Executor,
  states: ContractState[],
  opts: DerivedOptions,
  written?: readonly ProcessWrite[],
): Promise<void> {
  await writeSpendFor(db, states, opts, written ? spendInputsFromWrites(written) : undefined);
  await writeFlagsFor(db, states, opts);
}

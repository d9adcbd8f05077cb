/**
 * Streaming CSV downloads with csv-stringify: a header, then rows fetched page
 * by page (keyset) only as fast as the client reads them, so a download of
 * every matching row never holds more than one page. Cells that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) are escaped
 * by csv-stringify's `escape_formulas`.
 */
import { stringify } from "csv-stringify/sync";

export type CsvCell = string | number | boolean | bigint | Date | null | undefined;

export interface CsvColumn<R> {
  header: string;
  value: (row: R) => CsvCell;
}

const cell = (v: CsvCell): string => {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "boolean") return v ? "yes" : "no";
  return String(v);
};

export function csvText<R>(columns: CsvColumn<R>[], rows: R[], header: boolean): string {
  const records = rows.map((r) => columns.map((c) => cell(c.value(r))));
  return stringify(header ? [columns.map((c) => c.header), ...records] : records, { escape_formulas: true, record_delimiter: "\r\n" });
}

/**
 * A stream of CSV text: `page(cursor)` returns the next rows and the cursor
 * after them (null at the end).
 */
export function csvStream<R, C>(columns: CsvColumn<R>[], page: (cursor: C | null) => Promise<{ rows: R[]; next: C | null }>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: C | null = null;
  let started = false;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (done) return;
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(csvText(columns, [], true)));
          return;
        }
        const r = await page(cursor);
        if (r.rows.length) controller.enqueue(encoder.encode(csvText(columns, r.rows, false)));
        if (r.next === null) {
          done = true;
          controller.close();
          return;
        }
        cursor = r.next;
      },
    },
    { highWaterMark: 1 },
  );
}

/** Pence as pounds with two decimals ("1234.50"), exact (no floating point). */
export function poundsText(pence: bigint | null): string {
  if (pence === null) return "";
  const neg = pence < 0n;
  const a = neg ? -pence : pence;
  return `${neg ? "-" : ""}${a / 100n}.${(a % 100n).toString().padStart(2, "0")}`;
}

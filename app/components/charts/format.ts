/** Formatting of plotted numbers (pounds as numbers, percentages, counts, indexes) for axes, links and tables. */
import type { ValueUnit } from "./types";

const groupThousands = (s: string) => s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** Exact text of a plotted number: "£1,234.50", "33.3%", "1,204", "2,512.4"; "–" for no value. */
export function formatPlotted(v: number | null | undefined, unit: ValueUnit): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  switch (unit) {
    case "pounds": {
      const neg = v < 0;
      const fixed = Math.abs(v).toFixed(2);
      const [whole = "0", pence = "00"] = fixed.split(".");
      return `${neg ? "-" : ""}£${groupThousands(whole)}${pence === "00" ? "" : `.${pence}`}`;
    }
    case "percent":
      return `${v.toFixed(1)}%`;
    case "count":
      return groupThousands(String(Math.round(v)));
    case "index":
      return groupThousands(v.toFixed(1)).replace(/\.0$/, "");
  }
}

/** Short axis tick: "£1.2m", "£450k", "35%", "2,500". */
export function formatTick(v: number, unit: ValueUnit): string {
  if (unit === "percent") return `${Number(v.toFixed(1))}%`;
  if (unit === "pounds") {
    const a = Math.abs(v);
    const sign = v < 0 ? "-" : "";
    if (a >= 1e9) return `${sign}£${Number((a / 1e9).toFixed(2))}bn`;
    if (a >= 1e6) return `${sign}£${Number((a / 1e6).toFixed(1))}m`;
    if (a >= 1e3) return `${sign}£${Number((a / 1e3).toFixed(0))}k`;
    return `${sign}£${Math.round(a)}`;
  }
  return groupThousands(String(Math.round(v)));
}

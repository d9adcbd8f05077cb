/**
 * Sliding-window helpers for the cross-contract rules.
 *
 * A window of W days is W consecutive calendar days [s, s + W − 1]: with
 * W = 365, awards 364 days apart fall in one window and awards 365 days apart
 * do not.
 */
import { isoDateFromDayNumber, londonDayNumber } from "./dates";
import type { FlagEvidence, FlagStatus, PeerAward } from "./types";

export interface WindowItem {
  ocid: string;
  day: number;
  weight: bigint;
}

export interface BestWindow {
  /** Sum of the weights of the items in the window. */
  total: bigint;
  count: number;
  startDay: number;
  endDay: number;
  /** The items in the window, by day then ocid. */
  items: WindowItem[];
}

/**
 * Of all windows of `windowDays` days that contain `target.day`, the one whose
 * items (target included) have the largest total weight (weights ≥ 0); ties go
 * to the earliest window.
 */
export function bestWindowContaining(target: WindowItem, others: readonly WindowItem[], windowDays: number): BestWindow {
  const span = windowDays - 1;
  const items = [target, ...others.filter((o) => o.day >= target.day - span && o.day <= target.day + span)].sort(
    (a, b) => a.day - b.day || (a.ocid < b.ocid ? -1 : a.ocid > b.ocid ? 1 : 0),
  );
  let best: BestWindow | null = null;
  let j = 0;
  let running = 0n;
  for (let i = 0; i < items.length; i += 1) {
    const start = items[i];
    if (start === undefined) break;
    if (start.day > target.day) break;
    // Only the first item of a day can start a window.
    if (i > 0 && items[i - 1]?.day === start.day) {
      running -= start.weight;
      continue;
    }
    if (j < i) {
      j = i;
      running = 0n;
    }
    for (let next = items[j]; next !== undefined && next.day <= start.day + span; next = items[j]) {
      running += next.weight;
      j += 1;
    }
    if (best === null || running > best.total) {
      best = { total: running, count: j - i, startDay: start.day, endDay: start.day + span, items: items.slice(i, j) };
    }
    running -= start.weight;
  }
  // The target always starts or sits in some window, so `best` is set.
  return best ?? { total: target.weight, count: 1, startDay: target.day, endDay: target.day + span, items: [target] };
}

/** Peers that share the target's buyer and supplier, other contracts only, one row per ocid. */
export function matchingPeers(target: PeerAward, peers: readonly PeerAward[]): PeerAward[] {
  const seen = new Set<string>();
  const out: PeerAward[] = [];
  for (const p of peers) {
    if (p.ocid === target.ocid || p.buyerKey !== target.buyerKey || p.supplierKey !== target.supplierKey) continue;
    if (seen.has(p.ocid)) continue;
    seen.add(p.ocid);
    out.push(p);
  }
  return out;
}

export function windowEvidence(best: BestWindow): FlagEvidence {
  return {
    windowStart: isoDateFromDayNumber(best.startDay),
    windowEnd: isoDateFromDayNumber(best.endDay),
    ocidsInWindow: best.items.map((item) => item.ocid).join(", "),
  };
}

export function dayOf(award: PeerAward): number | null {
  return londonDayNumber(award.date);
}

const RANK: Record<FlagStatus, number> = { flagged: 2, unknown: 1, clear: 0 };

/** Combine the outcomes of a contract's supplier rows: the worst (flagged, then unknown, then clear) is reported. */
export function worstOf<T extends { status: FlagStatus }>(outcomes: readonly T[]): T | null {
  let worst: T | null = null;
  for (const o of outcomes) if (worst === null || RANK[o.status] > RANK[worst.status]) worst = o;
  return worst;
}

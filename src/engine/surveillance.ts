// Daily aggregates of completed orientation questionnaires (department × orientation × age range) published with
// small-cell suppression: a count below k is hidden (primary suppression), and so is any figure from which a hidden
// one could be worked out — a total minus the other parts — (complementary suppression), as the CMS small-cell rule
// requires. Pure: counts in, a publishable table out.

export interface CellCount {
  day: string;
  /** The department (two characters), or null when no postal code was given. */
  department: string | null;
  orientation: string;
  ageRange: string;
  count: number;
}

/** A published figure: the count, or null when it is hidden. */
export type Published = number | null;

export interface SurveillanceDay {
  day: string;
  total: Published;
  cells: Array<{ department: string | null; orientation: string; ageRange: string; count: Published }>;
  byDepartment: Array<{ department: string | null; count: Published }>;
  byOrientation: Array<{ orientation: string; count: Published }>;
  byAgeRange: Array<{ ageRange: string; count: Published }>;
}

interface Item {
  value: number;
  hidden: boolean;
}
interface Group {
  total: Item;
  parts: Item[];
}

/**
 * Hides, until nothing changes, whatever lets a hidden figure be worked out from a published total: in every group
 * (a total and the parts it sums), a published total needs no hidden part, or at least two whose sum is at least k
 * (two hidden parts of 1 and 1 under a published total would each be known); a hidden total needs a hidden part (or
 * the parts would add up to it). The smallest published part is hidden next: it costs the least information.
 */
export function suppress(groups: readonly Group[], k: number): void {
  const items = new Set(groups.flatMap((group) => [group.total, ...group.parts]));
  for (const item of items) if (item.value > 0 && item.value < k) item.hidden = true;
  for (let changed = true; changed;) {
    changed = false;
    for (const group of groups) {
      const hidden = group.parts.filter((part) => part.hidden);
      const hiddenSum = hidden.reduce((sum, part) => sum + part.value, 0);
      const exposed = group.total.hidden ? hidden.length === 0 : hidden.length === 1 || (hidden.length > 0 && hiddenSum < k);
      if (!exposed) continue;
      const next = group.parts.filter((part) => !part.hidden && part.value > 0).sort((a, b) => a.value - b.value)[0];
      if (next) next.hidden = true;
      else if (!group.total.hidden) group.total.hidden = true;
      else continue;
      changed = true;
    }
  }
}

const keyOf = (...parts: Array<string | null>) => JSON.stringify(parts);
const shown = (item: Item): Published => (item.hidden ? null : item.value);

/** The publishable table of each day, most recent first. */
export function publishDays(counts: readonly CellCount[], k: number): SurveillanceDay[] {
  const days = new Map<string, CellCount[]>();
  for (const count of counts) if (count.count > 0) days.set(count.day, [...(days.get(count.day) ?? []), count]);
  return [...days.entries()].sort(([a], [b]) => (a < b ? 1 : -1)).map(([day, cells]) => publishDay(day, cells, k));
}

function publishDay(day: string, counts: readonly CellCount[], k: number): SurveillanceDay {
  const cells = counts.map((count) => ({ count, item: { value: count.count, hidden: false } }));
  const total: Item = { value: cells.reduce((sum, cell) => sum + cell.item.value, 0), hidden: false };
  const margin = (key: (cell: CellCount) => string | null) => {
    const byKey = new Map<string, { key: string | null; item: Item; parts: Item[] }>();
    for (const cell of cells) {
      const id = keyOf(key(cell.count));
      const entry = byKey.get(id) ?? { key: key(cell.count), item: { value: 0, hidden: false }, parts: [] };
      entry.item.value += cell.item.value;
      entry.parts.push(cell.item);
      byKey.set(id, entry);
    }
    return [...byKey.values()].sort((a, b) => String(a.key).localeCompare(String(b.key)));
  };
  const departments = margin((cell) => cell.department);
  const orientations = margin((cell) => cell.orientation);
  const ageRanges = margin((cell) => cell.ageRange);
  const groups: Group[] = [
    { total, parts: cells.map((cell) => cell.item) },
    ...[departments, orientations, ageRanges].flatMap((margins) => [
      { total, parts: margins.map((entry) => entry.item) },
      ...margins.map((entry) => ({ total: entry.item, parts: entry.parts })),
    ]),
  ];
  suppress(groups, k);
  return {
    day,
    total: shown(total),
    cells: cells
      .map(({ count, item }) => ({ department: count.department, orientation: count.orientation, ageRange: count.ageRange, count: shown(item) }))
      .sort((a, b) => keyOf(a.department, a.orientation, a.ageRange).localeCompare(keyOf(b.department, b.orientation, b.ageRange))),
    byDepartment: departments.map((entry) => ({ department: entry.key, count: shown(entry.item) })),
    byOrientation: orientations.map((entry) => ({ orientation: entry.key!, count: shown(entry.item) })),
    byAgeRange: ageRanges.map((entry) => ({ ageRange: entry.key!, count: shown(entry.item) })),
  };
}

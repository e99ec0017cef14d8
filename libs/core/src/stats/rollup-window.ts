const DAY = 86_400_000;

/**
 * How a report window [start, end] (both inclusive, arbitrary instants) splits between the daily
 * rollups and raw rows: the whole UTC days inside it, [days.from, days.to), come from the rollups; the
 * partial days at either edge, [start, days.from) and [days.to, end], from raw rows. `days` is null
 * when the window holds no whole day, and then everything is raw.
 */
export interface WindowSplit {
  start: Date;
  end: Date;
  days: { from: Date; to: Date } | null;
}

export function splitWindow(start: Date, end: Date): WindowSplit {
  const from = Math.ceil(start.getTime() / DAY) * DAY;
  // A day is whole only if it ends by `end`; the day holding `end` is always partial (end is inclusive).
  const to = Math.floor(end.getTime() / DAY) * DAY;
  return { start, end, days: from < to ? { from: new Date(from), to: new Date(to) } : null };
}

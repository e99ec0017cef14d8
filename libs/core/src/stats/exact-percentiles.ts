/**
 * SQL answering `round(percentile_cont(p) WITHIN GROUP (ORDER BY v))::int` for each p from a multiset
 * given as (v, n) rows (a value and how many times it occurs), without expanding it.
 *
 * It mirrors Postgres's own percentile_cont (orderedsetaggs.c) step by step in float8, so the result is
 * bit-identical: pos = p * (count - 1); the values at 0-based ranks floor(pos) and ceil(pos) are found by
 * cumulative counts; lerp lo + (hi - lo) * (pos - floor(pos)); then round(float8), which rounds half to
 * even like the raw query. Returns rows (p, ms); no rows when the multiset is empty.
 */
export function exactPercentilesSql(values: string, ps: number[]): string {
  const list = ps.map((p) => `${Number(p)}::float8`).join(', ');
  return `WITH v AS (SELECT v, sum(n) AS n FROM (${values}) x GROUP BY v HAVING sum(n) > 0),
    c AS MATERIALIZED (SELECT v, sum(n) OVER (ORDER BY v) AS cum FROM v),
    q AS (
      SELECT p, p * (t.total - 1)::float8 AS pos
      FROM (SELECT sum(n) AS total FROM v) t, unnest(ARRAY[${list}]) AS p
      WHERE t.total > 0)
    SELECT q.p, round(lo.v::float8 + (hi.v::float8 - lo.v::float8) * (q.pos - floor(q.pos)))::int AS ms
    FROM q
    CROSS JOIN LATERAL (SELECT v FROM c WHERE c.cum > floor(q.pos) ORDER BY v LIMIT 1) lo
    CROSS JOIN LATERAL (SELECT v FROM c WHERE c.cum > ceil(q.pos) ORDER BY v LIMIT 1) hi`;
}

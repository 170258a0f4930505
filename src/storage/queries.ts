import type { Knex } from "knex";

/**
 * Row counts of `query` grouped by `column` (`select column, count(*) … group by column`). The
 * owning module builds the query on its table; both engines return the count as a number or a
 * numeric string, read here as a number.
 */
export async function countBy(query: Knex.QueryBuilder, column: string): Promise<Map<string, number>> {
  const rows = await query.groupBy(column).select(column).count<Record<string, unknown>[]>({ n: "*" });
  return new Map(rows.map((r) => [String(r[column]), Number(r.n)]));
}

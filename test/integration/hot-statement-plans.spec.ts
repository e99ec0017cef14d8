import { HOT_STATEMENTS } from '../../libs/core/src/deliveries/deliveries.repository';
import { TestDb } from '../support/platform';

const NO_ROWS = '00000000-0000-0000-0000-000000000000';
const SAMPLE_ARGUMENTS: Record<keyof typeof HOT_STATEMENTS, string> = {
  'claim-batch': `'{}', '{}'`,
  'record-batch': `'{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}'`,
  'release-claim': `'${NO_ROWS}', 1`,
};

interface PlanNode {
  'Relation Name'?: string;
  'Index Name'?: string;
  'Node Type': string;
  Plans?: PlanNode[];
}

function nodesOn(plan: PlanNode, relation: string): PlanNode[] {
  const own = plan['Relation Name'] === relation && plan['Node Type'] !== 'ModifyTable' ? [plan] : [];
  return [...own, ...(plan.Plans ?? []).flatMap((p) => nodesOn(p, relation))];
}

/**
 * The worker's hot statements find deliveries by primary key whatever the statistics say. Once they
 * counted no pending rows (after a backlog drained), Postgres answered "this id, still pending" by
 * reading every pending delivery through the partial pending index, once per batch, and a cached
 * generic plan kept doing so: 33 ms a record statement instead of a few.
 */
describe('hot statement plans', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await TestDb.open();
  });
  afterAll(async () => {
    await db.close();
  });

  it.each(Object.keys(HOT_STATEMENTS) as (keyof typeof HOT_STATEMENTS)[])(
    '%s reaches deliveries by its primary key even when statistics count no pending rows',
    async (name) => {
      const client = await db.ds.driver.obtainMasterConnection().then(([c]: [any]) => c);
      try {
        await client.query('BEGIN');
        // Statistics as after a drained backlog of 20,000: the transaction is rolled back, rows and
        // statistics included.
        await client.query(`UPDATE deliveries SET status = 'success' WHERE status = 'pending'`);
        await client.query(
          `WITH a AS (INSERT INTO accounts (id, name) VALUES (hookpost_uuid_v7(), 'plans') RETURNING id),
           w AS (INSERT INTO webhooks (id, account_id, created_by, url, events, secret, name)
                 SELECT hookpost_uuid_v7(), a.id, a.id, 'http://127.0.0.1:9/x', '{*}', 'whsec_x', 'plans' FROM a
                 RETURNING id, account_id),
           e AS (INSERT INTO events (id, account_id, type, data)
                 SELECT hookpost_uuid_v7(), w.account_id, 'user.login', '{}' FROM w RETURNING id, account_id)
           INSERT INTO deliveries (id, account_id, webhook_id, event_id, event_type, status)
           SELECT hookpost_uuid_v7(), e.account_id, w.id, e.id, 'user.login', 'success'
           FROM e, w, generate_series(1, 20000)`,
        );
        await client.query('ANALYZE deliveries');
        await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
        await client.query(`PREPARE plan_check AS ${HOT_STATEMENTS[name]}`);
        const { rows } = await client.query(
          `EXPLAIN (FORMAT JSON) EXECUTE plan_check(${SAMPLE_ARGUMENTS[name]})`,
        );
        const plan: PlanNode = rows[0]['QUERY PLAN'][0].Plan;
        const reads = nodesOn(plan, 'deliveries');
        expect(reads.length).toBeGreaterThan(0);
        for (const read of reads) expect(read['Index Name']).toBe('deliveries_pkey');
      } finally {
        await client.query('ROLLBACK');
        await client.query('DEALLOCATE ALL');
        client.release();
      }
    },
  );
});

import { DataSource } from 'typeorm';
import { queryNamed } from '../libs/platform/src/database/named-statement';
import { startTestApi, type TestApi } from './support/api';

/**
 * queryNamed runs a statement prepared once per pooled connection under a name derived from its
 * text. pg's pool hands back the connection released last, so statements run one after the
 * other here share one connection, whose pg_prepared_statements lists what it prepared.
 */
describe('named statements', () => {
  let api: TestApi;
  let dataSource: DataSource;
  const TEXT = 'SELECT $1::int + 1 AS n';

  beforeAll(async () => {
    api = await startTestApi();
    dataSource = api.app.get(DataSource);
  });
  afterAll(() => api.close());

  it('prepares a text once per connection, under one name, and runs it with each call’s values', async () => {
    expect(await queryNamed(dataSource, TEXT, [1])).toEqual([{ n: 2 }]);
    expect(await queryNamed(dataSource, TEXT, [41])).toEqual([{ n: 42 }]);
    const prepared = await queryNamed(dataSource, 'SELECT name FROM pg_prepared_statements WHERE statement = $1', [TEXT]);
    expect(prepared).toHaveLength(1);
    expect(prepared[0].name).toMatch(/^leakcase_[0-9a-f]{24}$/);
  });

  it("gives PostgreSQL's error with its SQLSTATE", async () => {
    await expect(queryNamed(dataSource, 'SELECT $1::uuid AS id', ['not a uuid'])).rejects.toMatchObject({ code: '22P02' });
  });
});

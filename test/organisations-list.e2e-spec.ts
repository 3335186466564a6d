import { startTestApi, type TestApi } from './support/api';
import { withClient } from './support/database';

/**
 * The directory of organisations, paged by name: its page and its count come in one query, and
 * the count only when the client asks for it. The demo data holds one designated organisation
 * ("示范个人信息保护组织 (Demo Designated Organisation)"); three more are created here, so the
 * kind has four, in name order: the three Latin names first, then the Chinese one.
 */
describe('organisations list', () => {
  let api: TestApi;
  let token: string;
  const NAMES = ['Designated list A', 'Designated list B', 'Designated list C'];
  const page = async (selection: string, after?: string) => {
    const res = await api.gql(`query($after: String) { organisations(first: 2, kind: DESIGNATED_ORGANISATION, after: $after) ${selection} }`, { after }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.organisations;
  };

  beforeAll(async () => {
    api = await startTestApi();
    token = await api.login('admin@demo.local');
    for (const name of NAMES) {
      const res = await api.gql(`mutation($name: String!) { createOrganisation(input: { name: $name, kind: DESIGNATED_ORGANISATION }) { id } }`, { name }, token);
      expect(res.errors).toBeUndefined();
    }
  });
  afterAll(() => api.close());

  it('walks the kind in pages of two with the same total on each, an empty page past the end included', async () => {
    const selection = `{ totalCount pageInfo { hasNextPage endCursor } nodes { name kind } }`;
    const first = await page(selection);
    expect(first.totalCount).toBe(4);
    expect(first.nodes.map((o: { name: string }) => o.name)).toEqual(['Designated list A', 'Designated list B']);
    expect(first.pageInfo.hasNextPage).toBe(true);

    const second = await page(selection, first.pageInfo.endCursor);
    expect(second.totalCount).toBe(4);
    expect(second.nodes).toEqual([
      { name: 'Designated list C', kind: 'DESIGNATED_ORGANISATION' },
      { name: '示范个人信息保护组织 (Demo Designated Organisation)', kind: 'DESIGNATED_ORGANISATION' },
    ]);
    expect(second.pageInfo.hasNextPage).toBe(false);

    const past = await page(selection, second.pageInfo.endCursor);
    expect(past).toEqual({ totalCount: 4, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] });
  });

  it('gives the same page without the count, and the count through a fragment and an alias', async () => {
    const withoutCount = await page(`{ nodes { name } }`);
    expect(withoutCount.nodes).toEqual([{ name: 'Designated list A' }, { name: 'Designated list B' }]);
    const res = await api.gql(`{ organisations(first: 1, kind: DESIGNATED_ORGANISATION) { ...Counted } } fragment Counted on OrganisationConnection { n: totalCount }`, {}, token);
    expect(res.data!.organisations).toEqual({ n: 4 });
  });

  it('gives each organisation its creation time when asked for it, under nodes or under edges', async () => {
    const { rows } = await withClient(api.url, (c) =>
      c.query(`SELECT name, created_at FROM organisation WHERE name = ANY($1) ORDER BY name`, [NAMES.slice(0, 2)]),
    );
    const expected = rows.map((row) => ({ name: row.name, createdAt: (row.created_at as Date).toISOString() }));
    const asIso = (nodes: { name: string; createdAt: string }[]) => nodes.map((n) => ({ name: n.name, createdAt: new Date(n.createdAt).toISOString() }));
    expect(asIso((await page(`{ nodes { name createdAt } }`)).nodes)).toEqual(expected);
    const edges = (await page(`{ edges { node { name createdAt } } }`)).edges;
    expect(asIso(edges.map((e: { node: { name: string; createdAt: string } }) => e.node))).toEqual(expected);
  });
});

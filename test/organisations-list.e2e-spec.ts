import { startTestApi, type TestApi } from './support/api';

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
});

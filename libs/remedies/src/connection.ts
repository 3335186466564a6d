import type { Connection } from '@app/platform';

/** A connection with its nodes mapped; the edges follow the nodes and keep their cursors. */
export function mapConnection<T, U>(page: Connection<T>, map: (node: T, index: number) => U): Connection<U> {
  const nodes = page.nodes.map(map);
  return {
    nodes,
    totalCount: page.totalCount,
    pageInfo: page.pageInfo,
    get edges() {
      return page.edges.map((e, i) => ({ cursor: e.cursor, node: nodes[i] }));
    },
  };
}

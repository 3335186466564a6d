import DataLoader from 'dataloader';

/**
 * Per-request DataLoaders, created lazily by name, so a list of N items costs one query per
 * relation instead of N. Field resolvers call `loaders.get('Organisation.byId', batch)`.
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();

  get<V>(name: string, batch: (keys: readonly string[]) => Promise<V[]>, keyOf: (value: V) => string): DataLoader<string, V | null> {
    let loader = this.loaders.get(name) as DataLoader<string, V | null> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V | null>(async (keys) => {
        const byKey = new Map((await batch(keys)).map((value) => [keyOf(value), value]));
        return keys.map((key) => byKey.get(key) ?? null);
      });
      this.loaders.set(name, loader as DataLoader<string, unknown>);
    }
    return loader;
  }
}

/** The GraphQL context of one request. */
export interface GraphqlContext {
  req: import('express').Request;
  loaders: Loaders;
}

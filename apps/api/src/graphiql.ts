import type { ApolloServerPlugin } from '@apollo/server';
import type { Express } from 'express';
import { dirname, join } from 'node:path';

/** The only files the GraphiQL page loads, served from node_modules: nothing from the internet. */
const ASSETS: Record<string, [pkg: string, file: string]> = {
  '/_assets/graphiql.min.css': ['graphiql', 'graphiql.min.css'],
  '/_assets/graphiql.min.js': ['graphiql', 'graphiql.min.js'],
  '/_assets/react.production.min.js': ['react', 'umd/react.production.min.js'],
  '/_assets/react-dom.production.min.js': ['react-dom', 'umd/react-dom.production.min.js'],
};

export function serveGraphiqlAssets(app: Express): void {
  for (const [route, [pkg, file]] of Object.entries(ASSETS)) {
    const path = join(dirname(require.resolve(`${pkg}/package.json`)), file);
    app.get(route, (_req, res) => res.sendFile(path, { maxAge: '1d' }));
  }
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>leakcase GraphQL</title>
  <link rel="stylesheet" href="/_assets/graphiql.min.css">
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/_assets/react.production.min.js"></script>
  <script src="/_assets/react-dom.production.min.js"></script>
  <script src="/_assets/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
    const defaultQuery = [
      '# 1. Log in (demo: procurator@demo.local / leakcase-demo), then copy the token into',
      '#    Headers below as {"Authorization": "Bearer <token>"}',
      'mutation Login {',
      '  login(email: "procurator@demo.local", password: "leakcase-demo") { token expiresAt }',
      '}',
      '',
      '# 2. Who am I?',
      'query Me {',
      '  me { email role organisation { name kind } }',
      '}',
    ].join('\\n');
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultQuery, shouldPersistHeaders: true }),
    );
  </script>
</body>
</html>`;

/** Answers a browser's GET /graphql with the offline GraphiQL page instead of Apollo's CDN page. */
export const offlineLandingPage: ApolloServerPlugin = {
  async serverWillStart() {
    return { async renderLandingPage() { return { html: PAGE }; } };
  },
};

import type { ApolloServerPlugin } from '@apollo/server';
import express, { type Express } from 'express';
import { dirname, join } from 'node:path';

/** Files of the GraphiQL page, served from node_modules: nothing loads from the internet. */
export function serveGraphiqlAssets(app: Express): void {
  const root = (pkg: string) => dirname(require.resolve(`${pkg}/package.json`));
  app.use('/_assets/graphiql', express.static(root('graphiql'), { index: false }));
  app.use('/_assets/react', express.static(join(root('react'), 'umd'), { index: false }));
  app.use('/_assets/react-dom', express.static(join(root('react-dom'), 'umd'), { index: false }));
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>leakcase GraphQL</title>
  <link rel="stylesheet" href="/_assets/graphiql/graphiql.min.css">
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/_assets/react/react.production.min.js"></script>
  <script src="/_assets/react-dom/react-dom.production.min.js"></script>
  <script src="/_assets/graphiql/graphiql.min.js"></script>
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

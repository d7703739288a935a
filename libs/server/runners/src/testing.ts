// Test doubles, apart from the production barrel (index.ts) so no application bundles them.
export * from './deployment/fake-deployment-ops';

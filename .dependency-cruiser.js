// The import rules of src/ (`npm run lint` runs them: `depcruise src`). Type-only imports count:
// a cycle through types is still a cycle for whoever reads or moves the code.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'Modules import each other in one direction only: shared types and helpers go in a module both import.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'domain-is-inward',
      severity: 'error',
      comment:
        'The domain (deciders, their types and rules) is pure: it imports nothing of the application around it. ' +
        'Its tests may use test/support (the given/when/then helpers).',
      from: { path: '^src/domain/', pathNot: '[.]test[.]ts$' },
      to: { path: '^(src|test|bench|web|migrations)/', pathNot: '^src/domain/' },
    },
    {
      name: 'processes-decide-from-the-write-side',
      severity: 'error',
      comment:
        'Processes decide from the streams (the write side), never from a read model, which may lag. ' +
        "The one exception, allowed here by name: projections/orders/queries.ts's dealerOrderHistoryHint, the dealer's " +
        'order history the risk review reads as an advisory hint (a held order is reviewed by a person; a lagging ' +
        'history never refuses stock or credit, nor changes a price).',
      from: { path: '^src/processes/' },
      to: { path: '^src/projections/', pathNot: '^src/projections/orders/queries[.]ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};

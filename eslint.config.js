// Lint rules: typescript-eslint's type-aware recommended set, plus the project's own few.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/.data/', 'coverage/', 'bench/results/', 'web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through src/config.ts.' },
        {
          selector:
            "CallExpression[callee.property.name='slice'][callee.object.type='CallExpression'][callee.object.callee.property.name='toISOString']",
          message: 'A day is a business day: use businessDayOf (src/domain/shared/calendar.ts), not the UTC date of toISOString().',
        },
      ],
    },
  },
  {
    files: ['src/config.ts', 'test/**', 'bench/**', 'vitest.config.ts', 'web/build.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Tests read JSON responses loosely; the assertions are the type check there.
    files: ['test/**', 'bench/**', 'src/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // No sleeps as synchronisation in tests: wait on the condition, with a deadline (test/support/wait.ts).
    files: ['test/**'],
    ignores: ['test/support/wait.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['setTimeout', 'setInterval', 'setImmediate'].flatMap((timer) => [
          {
            selector: `CallExpression[callee.name='${timer}']`,
            message: `No ${timer} in tests: wait on a condition with eventually() (test/support/wait.ts).`,
          },
          {
            selector: `CallExpression[callee.property.name='${timer}']`,
            message: `No ${timer} in tests: wait on a condition with eventually() (test/support/wait.ts).`,
          },
        ]),
        {
          selector: 'ImportDeclaration[source.value=/^(node:)?timers(\\/promises)?$/]',
          message: 'No timers in tests: wait on a condition with eventually() (test/support/wait.ts).',
        },
        {
          selector: 'ImportExpression[source.value=/^(node:)?timers(\\/promises)?$/]',
          message: 'No timers in tests: wait on a condition with eventually() (test/support/wait.ts).',
        },
      ],
    },
  },
  {
    files: ['src/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['fastify*', 'pg', 'kysely', 'kafkajs', 'pino', '@eventstore/*', '**/api/**', '**/projections/**', '**/db/**'] },
      ],
    },
  },
  {
    // The browser app: the rules of hooks; it has no process.env (Vite's build-time values aside).
    files: ['web/src/**'],
    ...reactHooks.configs.flat.recommended,
  },
  { files: ['*.js'], ...tseslint.configs.disableTypeChecked },
);

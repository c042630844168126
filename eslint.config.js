// @ts-check
// `npm test` runs this first. What it is for: no regular expression in src/ may take
// super-linear time on a member's or a guest's text (docs/untrusted-text.md). The rules of
// eslint-plugin-regexp's recommended set that only restyle a pattern (\d for [0-9], the i flag
// for [a-zA-Z]...) are off: they change nothing a member can reach.
import js from '@eslint/js';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/**'] },
  {
    files: ['src/**/*.ts', 'bench/**/*.ts', 'eslint.config.js'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended, regexp.configs['flat/recommended']],
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
      // style only
      'regexp/prefer-w': 'off',
      'regexp/prefer-d': 'off',
      'regexp/use-ignore-case': 'off',
      'regexp/no-unused-capturing-group': 'off',
      'regexp/prefer-character-class': 'off',
      'regexp/no-useless-non-capturing-group': 'off',
      'regexp/prefer-predefined-assertion': 'off',
      'regexp/no-useless-character-class': 'off',
      'regexp/optimal-quantifier-concatenation': 'off',
      'regexp/no-useless-flag': 'off',
    },
  },
  {
    // The study's path rules have one way in (src/paths/study-paths.ts): nobody outside
    // src/paths compiles a template or classifies a path on their own.
    files: ['src/**/*.ts', 'bench/**/*.ts'],
    ignores: ['src/paths/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/paths/classify-path.js', '**/paths/path-template.js', '**/paths/roster.js'],
              message: 'Ask the study paths (src/paths/study-paths.ts), the one way into the path rules.',
            },
          ],
        },
      ],
    },
  },
  {
    // the benches' fake GitHub reads and writes loosely typed JSON bodies
    files: ['bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);

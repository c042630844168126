import { schema as published } from '@octokit/graphql-schema';
import { buildSchema, graphqlSync, type GraphQLSchema } from 'graphql';

/**
 * GitHub's GraphQL answers as GitHub's own schema shapes them: a query runs against the public
 * schema (`@octokit/graphql-schema`, the one GitHub publishes) with the test's objects as the
 * data, so a field the schema lacks, a wrong argument or a shape GitHub would not give fails
 * the test instead of passing against a hand-written answer.
 */
let schema: GraphQLSchema | null = null;
function githubSchema(): GraphQLSchema {
  if (!schema) {
    // GitHub's published SDL repeats two enterprise fields; the rest is what the API serves.
    schema = buildSchema(published.idl, { assumeValidSDL: true });
  }
  return schema;
}

/** The `{ data }` GitHub would send for `query` with `variables`, the root's fields taken from `root`. */
export function githubGraphqlAnswer(query: string, variables: Record<string, unknown>, root: Record<string, unknown>): { data: unknown } {
  const result = graphqlSync({ schema: githubSchema(), source: query, variableValues: variables, rootValue: root });
  if (result.errors?.length) throw new Error(`not a query GitHub's schema answers: ${result.errors.map((e) => e.message).join('; ')}`);
  return { data: result.data };
}

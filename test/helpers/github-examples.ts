/**
 * GitHub's own shapes for tests: webhook payloads from @octokit/webhooks-examples and REST
 * responses from the examples in GitHub's OpenAPI description (@octokit/openapi). Tests
 * trim or adjust these copies; they never invent shapes GitHub would not send.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type WebhookCatalog = { name: string; examples: Record<string, unknown>[] }[];
let webhooks: WebhookCatalog | undefined;
let openapi: { components: { examples: Record<string, { value: unknown }> } } | undefined;

const clone = <T>(value: T): T => structuredClone(value);

/** The `index`-th example of `event` with `action` (or the first without an action filter). */
export function webhookExample<T = any>(event: string, action?: string, index = 0): T {
  webhooks ??= require('@octokit/webhooks-examples/api.github.com/index.json') as WebhookCatalog;
  const entry = webhooks.find((w) => w.name === event);
  if (!entry) throw new Error(`no webhook example for ${event}`);
  const matching = entry.examples.filter((e) => action === undefined || e.action === action);
  if (!matching[index]) throw new Error(`no webhook example ${event}.${action ?? ''}[${index}]`);
  return clone(matching[index]) as T;
}

/** `components.examples[name].value` of GitHub's OpenAPI description. */
export function openapiExample<T = any>(name: string): T {
  openapi ??= require('@octokit/openapi/generated/api.github.com.json');
  const example = openapi!.components.examples[name];
  if (!example) throw new Error(`no OpenAPI example named ${name}`);
  return clone(example.value) as T;
}

/**
 * An issue this app opened (GitHub's `issue` example as a plain issue, not a pull request):
 * authored by the app's bot user and naming the app in `performed_via_github_app`, as GitHub
 * answers for an issue created with an installation token. The tests' app id is 1.
 */
/**
 * A comment this app wrote (GitHub's `issue-comment` example): authored by the app's bot user and
 * naming the app in `performed_via_github_app`, as GitHub answers for a comment created with an
 * installation token. The tests' app id is 1.
 */
/** `performed_via_github_app` as GitHub gives it for this app's issues and comments (the tests' app id is 1). */
export const ourAppNamed = (appId = 1): Record<string, any> => ({ ...openapiExample('integration'), id: appId, slug: 'study-bot' });

export function appWrittenComment(fields: Record<string, unknown> = {}, appId = 1): Record<string, any> {
  const comment = openapiExample('issue-comment');
  return {
    ...comment,
    user: { ...comment.user, login: 'study-bot[bot]', type: 'Bot' },
    performed_via_github_app: ourAppNamed(appId),
    ...fields,
  };
}

export function appOpenedIssue(fields: Record<string, unknown> = {}, appId = 1): Record<string, any> {
  const { pull_request: _pr, ...issue } = openapiExample('issue');
  return {
    ...issue,
    user: { ...issue.user, login: 'study-bot[bot]', type: 'Bot' },
    performed_via_github_app: { ...openapiExample('integration'), id: appId },
    ...fields,
  };
}

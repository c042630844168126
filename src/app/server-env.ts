import { readVerifyDeployment } from '../verify/verify-deployment.js';

/**
 * What `npm start` refuses to run without. Probot falls back to the webhook secret
 * `development` when WEBHOOK_SECRET is unset, which would let anyone who knows that default
 * forge pushes, comments and `/verify` requests — and `/verify` runs bpftrace as root.
 */
export function serverEnvProblems(env: NodeJS.ProcessEnv): string[] {
  // Without APP_ID Probot starts its setup flow (register the app from app.yml): no webhooks yet.
  if (!env.APP_ID) return [];
  const problems: string[] = [];
  const secret = env.WEBHOOK_SECRET ?? '';
  const development = env.NODE_ENV === 'development' && Boolean(env.WEBHOOK_PROXY_URL);
  if (!development && (secret === '' || secret === 'development')) {
    problems.push(
      'WEBHOOK_SECRET이 없거나 Probot의 기본값(development)입니다: 누구나 웹훅을 위조할 수 있습니다. ' +
        'GitHub App 설정의 Webhook secret과 같은 값을 WEBHOOK_SECRET에 넣으세요. ' +
        '(WEBHOOK_SECRET is unset or Probot\'s default "development": anyone could forge webhooks. ' +
        "Set it to the app's webhook secret.)",
    );
  }
  const deployment = readVerifyDeployment(env);
  if (!deployment.ok) problems.push(...deployment.problems);
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) {
    problems.push(
      'PRIVATE_KEY(또는 PRIVATE_KEY_PATH)가 없습니다: GitHub App의 private key(.pem)를 넣으세요. ' +
        '(PRIVATE_KEY or PRIVATE_KEY_PATH is missing: the GitHub App\'s private key.)',
    );
  }
  return problems;
}

import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readVerifyDeployment } from '../verify/verify-deployment.js';

/** The variables that make the app: any one of them set means "run the app", not Probot's setup page. */
const APP_VARIABLES = ['APP_ID', 'PRIVATE_KEY', 'PRIVATE_KEY_PATH', 'WEBHOOK_SECRET'] as const;

const line = (variable: string, ko: string, en: string) => `${variable}: ${ko} (${en})`;

/**
 * What `npm start` refuses to run without, one line per variable, naming it. A server that
 * cannot work must not start: Probot would print a stack trace for an unreadable key, fall back
 * to its setup page for a non-numeric APP_ID (its `Number(APP_ID)` is NaN) or a missing key,
 * and answer `/ping` with 200 either way, so a health check would pass. Probot also falls back
 * to the webhook secret `development` when WEBHOOK_SECRET is unset, which would let anyone who
 * knows that default forge pushes, comments and `/verify` requests.
 *
 * Nothing of the app set at all is Probot's setup flow (register the app from app.yml), for a
 * laptop only: in production it is a missing APP_ID like any other.
 */
export function serverEnvProblems(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  if (!APP_VARIABLES.some(set)) {
    return env.NODE_ENV === 'production'
      ? [line('APP_ID', '없습니다: GitHub App을 등록하고 APP_ID·PRIVATE_KEY_PATH·WEBHOOK_SECRET을 넣으세요 (docs/DEPLOY.md)',
          'missing: register the GitHub App and set APP_ID, PRIVATE_KEY_PATH and WEBHOOK_SECRET (docs/DEPLOY.md)')]
      : [];
  }
  const problems: string[] = [];
  const appId = (env.APP_ID ?? '').trim();
  if (appId === '') {
    problems.push(line('APP_ID', '없습니다: GitHub App 설정 페이지의 App ID(숫자)를 넣으세요', "missing: the App ID (a number) from the GitHub App's settings page"));
  } else if (!/^[1-9]\d*$/.test(appId)) {
    problems.push(line('APP_ID', `"${appId}"은(는) 숫자가 아닙니다: App ID(숫자)를 넣으세요 (Client ID가 아님)`, `"${appId}" is not a number: use the App ID, not the Client ID`));
  }
  const secret = env.WEBHOOK_SECRET ?? '';
  const development = env.NODE_ENV === 'development' && Boolean(env.WEBHOOK_PROXY_URL);
  if (!development && (secret === '' || secret === 'development')) {
    problems.push(line('WEBHOOK_SECRET', "없거나 Probot의 기본값(development)입니다: 누구나 웹훅을 위조할 수 있습니다. GitHub App 설정의 Webhook secret과 같은 값을 넣으세요",
      `unset or Probot's default "development": anyone could forge webhooks. Set it to the app's webhook secret`));
  }
  const key = privateKeyProblem(env, cwd);
  if (key) problems.push(key);
  const deployment = readVerifyDeployment(env);
  if (!deployment.ok) problems.push(...deployment.problems);
  return problems;
}

/**
 * The private key read as Probot reads it (@probot/get-private-key: PRIVATE_KEY first, as PEM,
 * PEM with `\n` escapes, or base64; else the file at PRIVATE_KEY_PATH), then parsed: a key that
 * does not parse would only fail at the first webhook, as a stack trace in the log.
 */
function privateKeyProblem(env: NodeJS.ProcessEnv, cwd: string): string | null {
  const inline = (env.PRIVATE_KEY ?? '').trim();
  const file = (env.PRIVATE_KEY_PATH ?? '').trim();
  let pem: string;
  let variable: string;
  if (inline !== '') {
    variable = 'PRIVATE_KEY';
    pem = Buffer.from(inline, 'base64').toString('base64') === inline ? Buffer.from(inline, 'base64').toString() : inline;
    pem = pem.replace(/\\n/g, '\n');
  } else if (file !== '') {
    variable = 'PRIVATE_KEY_PATH';
    const resolved = path.resolve(cwd, file);
    if (!existsSync(resolved)) {
      return line(variable, `${file} 파일이 없습니다: GitHub App에서 내려받은 .pem 파일의 경로를 넣으세요`, `${file} does not exist: the path of the .pem file downloaded from the GitHub App`);
    }
    try {
      pem = readFileSync(resolved, 'utf8');
    } catch (error) {
      return line(variable, `${file}을(를) 읽을 수 없습니다 (${(error as NodeJS.ErrnoException).code ?? 'error'})`, `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else {
    return line('PRIVATE_KEY_PATH', '없습니다: GitHub App의 private key(.pem) 경로를 넣으세요 (또는 PRIVATE_KEY에 키 자체)',
      "missing: the path of the GitHub App's private key (.pem), or the key itself in PRIVATE_KEY");
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(String(key.asymmetricKeyType));
    return null;
  } catch {
    return line(variable, 'RSA private key(.pem)가 아닙니다: GitHub App 설정에서 "Generate a private key"로 받은 파일 그대로여야 합니다',
      'not an RSA private key (.pem): it must be the file "Generate a private key" gives on the GitHub App\'s settings page');
  }
}

/**
 * What `/verify` will do on this machine, said at the start (and by `study-bot doctor`) when
 * the VM driver lacks what it needs: otherwise the first member's `/verify` is where an
 * organizer learns it. Null when nothing is missing or another driver is chosen.
 */
export function verifyRunnerNotice(probe: { driver: string; image: boolean; dir: string; kvm: boolean }): string | null {
  if (probe.driver !== 'vm') return null;
  if (!probe.image) {
    return `/verify: ${probe.dir}에 VM 러너 이미지가 없습니다 — 모든 /verify 요청에 "러너 오류"로 답합니다. ` +
      '`sudo study-bot runner image build`로 만드세요 (docs/DEPLOY.md) ' +
      `(/verify: no VM runner image in ${probe.dir}: every /verify request is answered with a runner error until ` +
      '`sudo study-bot runner image build` builds it)';
  }
  if (!probe.kvm) {
    return '/verify: /dev/kvm을 쓸 수 없습니다 — VM을 전체 에뮬레이션(TCG)으로 실행하므로 요청마다 몇 배 느립니다 ' +
      '(/verify: no usable /dev/kvm: VMs run under full emulation (TCG), several times slower per request)';
  }
  return null;
}

// `npm start` (compiled: `node dist/src/server.js`, what Docker and systemd run): the GitHub
// App. With nothing of the app set (no APP_ID, key or secret) and not in production, Probot
// serves its setup page, which registers the app from app.yml.
//
// Static imports are linked before any line here runs, so an old Node would fail on a missing
// export deep in the app before the version guard could speak: the guard is imported first,
// by itself, and everything else is imported once it has passed.
import { existsSync } from 'node:fs';

// bin/node-guard.js sits at the package root: ../bin from src/ (tsx), ../../bin from dist/src/.
const guard = ['../bin/node-guard.js', '../../bin/node-guard.js'].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(u));
if (guard) await import(guard.href);

// Probot reads .env inside run(); read it first so the check below sees what Probot will see.
if (existsSync('.env')) process.loadEnvFile('.env');

const { serverEnvProblems } = await import('./app/server-env.js');
const problems = serverEnvProblems(process.env);
if (problems.length > 0) {
  for (const problem of problems) console.error(`study-bot: ${problem}`);
  process.exit(1);
}

// Probot is an optional dependency: a member's CLI install (`--omit=optional`) leaves it out.
try {
  await import('probot');
} catch (error) {
  console.error(
    'study-bot: Probot이 설치되어 있지 않습니다. 서버는 lock 파일로 설치하세요: npm ci --omit=dev (docs/DEPLOY.md) ' +
      `(Probot is not installed. Install the server from the lock file: npm ci --omit=dev. ${(error as Error).message})`,
  );
  process.exit(1);
}
if (!process.env.APP_ID) {
  console.error(
    `study-bot: APP_ID가 없어 Probot의 설정 페이지로 시작합니다: http://localhost:${process.env.PORT || 3000} 에서 GitHub App을 등록하세요 ` +
      `(no APP_ID: starting Probot's setup page; register the GitHub App at http://localhost:${process.env.PORT || 3000})`,
  );
}
await import('./app/run-server.js');

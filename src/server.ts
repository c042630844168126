// `npm start` (compiled: `node dist/src/server.js`, what Docker and systemd run): the GitHub
// App. Without APP_ID Probot starts its setup flow, which registers the app from app.yml.
import { existsSync } from 'node:fs';
import { serverEnvProblems } from './app/server-env.js';

// Probot reads .env inside run(); read it first so the check below sees what Probot will see.
if (existsSync('.env')) process.loadEnvFile('.env');
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
    'study-bot: Probot이 설치되어 있지 않습니다. 서버는 lock 파일로 설치하세요: npm ci --omit=dev (docs/DEPLOY.md)\n' +
      'study-bot: Probot is not installed. Install the server from the lock file: npm ci --omit=dev (docs/DEPLOY.md)\n' +
      `(${(error as Error).message})`,
  );
  process.exit(1);
}
await import('./app/run-server.js');

// `npm start`: Probot's own runner, configured by its standard environment (APP_ID,
// PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, HOST, WEBHOOK_PROXY_URL,
// GHE_HOST/GHE_PROTOCOL for GitHub Enterprise Server, LOG_LEVEL). Without APP_ID it starts
// Probot's setup flow, which registers the app from app.yml.
import { existsSync } from 'node:fs';
import { run } from 'probot';
import { serverEnvProblems } from './app/server-env.js';
import app from './index.js';

// Probot reads .env inside run(); read it first so the check below sees what Probot will see.
if (existsSync('.env')) process.loadEnvFile('.env');
const problems = serverEnvProblems(process.env);
if (problems.length > 0) {
  for (const problem of problems) console.error(`study-bot: ${problem}`);
  process.exit(1);
}
await run(app);

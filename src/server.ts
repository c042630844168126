// `npm start`: Probot's own runner, configured by its standard environment (APP_ID,
// PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, HOST, WEBHOOK_PROXY_URL,
// GHE_HOST/GHE_PROTOCOL for GitHub Enterprise Server, LOG_LEVEL).
import { run } from 'probot';
import app from './index.js';

await run(app);

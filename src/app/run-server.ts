// The server itself, loaded by src/server.ts once the environment has been checked: Probot's
// own runner, configured by its standard environment (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH,
// WEBHOOK_SECRET, PORT, HOST, WEBHOOK_PROXY_URL, GHE_HOST/GHE_PROTOCOL, LOG_LEVEL).
import { run, type ApplicationFunction, type Logger } from 'probot';
import app from '../index.js';
import { startWebhookProxy, type WebhookProxy } from './webhook-proxy.js';

// The webhook proxy is started here rather than by Probot, whose start-up dies with the proxy
// (see webhook-proxy.ts). The setup flow (no APP_ID) keeps Probot's own handling.
const proxyUrl = process.env.APP_ID ? process.env.WEBHOOK_PROXY_URL : undefined;
const env = { ...process.env };
if (proxyUrl) delete env.WEBHOOK_PROXY_URL;

let log: Logger | undefined;
let webhookPath = '/api/github/webhooks';
const appWithContext: ApplicationFunction = (probot, options) => {
  log = probot.log;
  webhookPath = probot.webhookPath;
  return app(probot, options);
};

const server = await run(appWithContext, { env });

let proxy: WebhookProxy | undefined;
if (proxyUrl && log) {
  proxy = await startWebhookProxy({
    source: proxyUrl,
    target: `http://${server.host}:${server.port}${webhookPath}`,
    log,
  });
}

// Probot stops on SIGINT only; `docker stop` and systemd send SIGTERM (and node as PID 1 in a
// container ignores it without a handler). Finish open requests, then exit.
process.once('SIGTERM', () => {
  void (async () => {
    await proxy?.stop();
    await server.stop().catch((error: unknown) => log?.error({ err: error }, 'error while stopping the server'));
    process.exit(0);
  })();
});

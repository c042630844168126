// The server itself, loaded by src/server.ts once the environment has been checked: Probot's
// own runner, configured by its standard environment (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH,
// WEBHOOK_SECRET, PORT, HOST, WEBHOOK_PROXY_URL, GHE_HOST/GHE_PROTOCOL, LOG_LEVEL).
import { run, type ApplicationFunction, type Logger } from 'probot';
import app from '../index.js';
import { readVerifyDeployment } from '../verify/verify-deployment.js';
import { sharedCheckPool } from '../worker/shared-pool.js';
import { verifyRunnerNotice } from './server-env.js';
import { webhookGuard } from './webhook-guard.js';
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
  // The server asks for the webhook middleware after loading the app: the guard goes in front
  // of it (size caps, the signature checked as the body arrives; see webhook-guard.ts).
  const middlewareOf = probot.getNodeMiddleware.bind(probot);
  const guard = webhookGuard({
    path: webhookPath,
    // Probot's own fallback when no secret is set (development only: server-env refuses it otherwise)
    secrets: [env.WEBHOOK_SECRET || 'development'],
    log: { warn: (message) => log?.warn(message) },
  });
  probot.getNodeMiddleware = async (...args) => {
    const middleware = await middlewareOf(...args);
    return async (req, res, next) => (await guard(req, res)) || middleware(req, res, next);
  };
  return app(probot, options);
};

const server = await run(appWithContext, { env });

// The check pool's first worker loads now (remark, the rubric engine: 0.5-0.7 s on a busy
// 2-core host), not when the first push or /verify after a start needs it: the first /verify
// over HTTP waited for it between reading the note and starting its VM (docs/vm-warm-pool.md).
sharedCheckPool().warm(1);

let proxy: WebhookProxy | undefined;
if (proxyUrl && log) {
  proxy = await startWebhookProxy({
    source: proxyUrl,
    target: `http://${server.host}:${server.port}${webhookPath}`,
    log,
  });
}

// With /verify in VMs, save a ready guest per kernel now, in the background, so the first
// member's request after a start (or a QEMU upgrade) does not wait for it; then park guests
// restored from them (the warm pool, STUDY_BOT_VM_POOL per kernel), so a request starts at once.
const deployment = readVerifyDeployment();
let stopping = false;
let stopWarmPool: (() => Promise<void>) | undefined;
if (deployment.ok && deployment.deployment.driver === 'vm') {
  // Said at the start, so an organizer does not learn it from the first member's /verify.
  void Promise.all([import('../runner/vm/runner-dir.js'), import('../runner/vm/accel.js')])
    .then(([{ readManifest, runnerDir }, { kvmDeviceUsable }]) => {
      const dir = runnerDir();
      const notice = verifyRunnerNotice({ driver: 'vm', image: readManifest(dir) !== null, dir, kvm: kvmDeviceUsable() });
      if (notice) log?.warn(notice);
    })
    .catch((error: unknown) => log?.warn({ err: error }, 'could not look for the VM runner image'));
  void import('../runner/vm/verify-in-vm.js')
    .then(async (vm) => {
      stopWarmPool = vm.stopWarmPool;
      const saved = await vm.prepareWarmStarts();
      for (const warm of saved) log?.info(`VM snapshot ${warm.kernel}: ${warm.state ? `ready (${Math.round(warm.bytes / 1024 / 1024)} MiB)` : 'none, requests boot cold'}`);
      if (stopping) return;
      const pool = await vm.startWarmPool({ onParked: (kernel) => log?.info(`VM warm pool ${kernel}: a guest is parked`) });
      for (const kernel of pool) log?.info(`VM warm pool ${kernel.kernel}: ${kernel.size} guest(s) to park, ~${Math.round(kernel.bytes / 1024 / 1024)} MiB`);
    })
    .catch((error: unknown) => log?.warn({ err: error }, 'could not save a VM snapshot or park guests; requests restore or boot their own'));
}

// Probot stops on SIGINT only; `docker stop` and systemd send SIGTERM (and node as PID 1 in a
// container ignores it without a handler). Finish open requests, then exit.
process.once('SIGTERM', () => {
  stopping = true;
  void (async () => {
    // Parked guests first: each is a QEMU process holding hundreds of MiB.
    await stopWarmPool?.();
    await proxy?.stop();
    await server.stop().catch((error: unknown) => log?.error({ err: error }, 'error while stopping the server'));
    process.exit(0);
  })();
});

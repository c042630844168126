/**
 * The guest agent: runs inside the runner VM as root, on the VM's own kernel, with nothing of
 * the host mounted. Bundled into one file (guest-bundle.ts) and handed to the VM in its
 * initramfs with the request. It prints its report as one frame on the console and exits;
 * /init then reboots and QEMU ends.
 */
import { readFileSync } from 'node:fs';
import { verifyOneLiners } from '../../verify-oneliners.js';
import { encodeFrame } from '../result-frame.js';
import { vmRequestSchema } from '../vm-request.js';

async function main(requestFile: string): Promise<unknown> {
  const request = vmRequestSchema.parse(JSON.parse(readFileSync(requestFile, 'utf8')));
  // No mount-namespace sandbox in here: the VM is the boundary.
  const { graceMs, ...options } = request.options;
  return verifyOneLiners(request.oneLiners, { ...options, ...(graceMs ? { limits: { graceMs } } : {}), sandbox: null, isolation: 'vm', file: request.file });
}

main(process.argv[2] ?? '/run/study-bot/request.json')
  .then((report) => process.stdout.write(encodeFrame({ report })))
  .catch((error: unknown) => process.stdout.write(encodeFrame({ error: error instanceof Error ? error.message : String(error) })))
  .finally(() => process.exit(0));

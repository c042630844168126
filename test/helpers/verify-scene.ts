import nock from 'nock';
import type { AppDeps } from '../../src/app/deps.js';
import { createTestProbot, mockInstallationToken } from './probot-app.js';
import { API, mockAck, mockConfig, sent, studyYaml } from './verify-github.js';

/**
 * The usual start of a `/verify` test: the app (with a verifier when given), GitHub answering
 * the installation token, the study config and the ⏳ acknowledgement.
 */
export async function verifyScene(opts: { verifier?: AppDeps['verifier']; ack?: 'issue' | 'commit'; ackId?: number } = {}) {
  const { probot, settle } = await createTestProbot(opts.verifier ? { verifier: opts.verifier } : {});
  const s = sent();
  const scope = nock(API);
  mockInstallationToken(scope);
  mockConfig(scope, studyYaml());
  mockAck(scope, s, opts.ack ?? 'issue', opts.ackId);
  return { probot, settle, s, scope };
}

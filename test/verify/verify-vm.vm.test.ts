import nock from 'nock';
import { afterEach, expect, it } from 'vitest';
import { readManifest } from '../../src/runner/vm/runner-dir.js';
import { createTestProbot, mockInstallationToken } from '../helpers/probot-app.js';
import { API, issueCommentEvent, mockAck, mockCheckRun, mockCommentUpdate, mockConfig, mockStudyFile, sent, studyYaml } from '../helpers/verify-github.js';
import { describeVm, VM_TEST_TIMEOUT } from '../helpers/vm.js';
import { FORK_AND_KPROBE_NOTE } from '../helpers/vm-note.js';

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

const NOTE = FORK_AND_KPROBE_NOTE;

describeVm('/verify end to end in the VM (the default deployment)', () => {
  it('runs a member\'s one-liners in throwaway VMs, one per kernel asked for, and names each kernel side by side', async () => {
    const kernels = readManifest()!.kernels.slice(0, 2);
    // The app as `npm start` builds it: no verifier injected, no STUDY_BOT_VERIFY_DRIVER set.
    const { probot, settle } = await createTestProbot();
    const s = sent();
    const scope = nock(API);
    mockInstallationToken(scope);
    mockConfig(scope, studyYaml());
    mockAck(scope, s, 'issue');
    mockStudyFile(scope, { markdown: NOTE });
    mockCheckRun(scope, s);
    mockCommentUpdate(scope, s, 'issue');
    await probot.receive(issueCommentEvent(`/verify week1 ${kernels.map((k) => `--kernel ${k.name}`).join(' ')}`));
    await settle();
    const comment = s.commentUpdates[0]!;
    for (const kernel of kernels) expect(comment).toContain(`kernel \`${kernel.release}\``);
    expect(comment).toMatch(/러너: VM \((전체 에뮬레이션|KVM)\) · kernel `/);
    // kprobes are off on this host's kernel but on in the VM's: the kprobe one-liner works.
    if (kernels.length > 1) {
      expect(comment).toContain(`| # | one-liner | \`${kernels[0]!.release}\` | \`${kernels[1]!.release}\` |`);
      expect(comment).toMatch(/\| 2 \| \[L12\][^\n]*✅ 동작함[^\n]*\| ✅ 동작함/);
    } else {
      expect(comment).toMatch(/\| 2 \| \[L12\][^\n]*✅ 동작함/);
    }
    expect(s.checkUpdates[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
  }, VM_TEST_TIMEOUT);
});

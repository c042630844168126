/**
 * Attack review 18 (HIGH, fixed: two files equal after NFC are refused, both named: neither form can be told to be the member's): another member's look-alike note is what kim-cs's `/verify
 * week1` runs and reports.
 *
 * resolveVerifyTarget (src/verify/resolve-verify-target.ts lookUp) lists the week folder and
 * takes the FIRST name equal to the member's after NFC. Git keeps names as bytes:
 * `study/week1/김철수.md` in NFD (the decomposed jamo a macOS file system hands git) is another
 * file than kim-cs's NFC note, GitHub shows both under one name, and lists a folder by name,
 * where the NFD bytes (U+1100...) come before the NFC ones (U+AE40...). hong-gildong adds an
 * NFD copy with one-liners of his own (adding a file is never flagged, docs/push-checks.md);
 * from then on kim-cs's `/verify week1` runs HIS one-liners and answers, in the bot's name,
 * with a Check Run and a signed record naming `study/week1/김철수.md`, what "kim-cs's note" does.
 * The same lookUp serves `/verify study/week1/김철수.md` by path and an organizer's
 * `/verify week1 @kim-cs`. (The project folder has the same flaw by another route:
 * verify-project-lookalike-folder.test.ts; the report's verdict: note-lookalike-verdict.test.ts.)
 *
 * The repro: the whole app (createTestProbot), GitHub by nock in its own shapes, as
 * test/verify/verify-local.test.ts runs `/verify week1`; the fake verifier records what it ran.
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { openapiExample } from '../helpers/github-examples.js';
import { verifyByNock } from '../helpers/verify-by-nock.js';
import { HEAD_SHA, submission } from '../helpers/verify-github.js';

afterEach(() => {
  nock.cleanAll();
});

const NFC = '김철수.md'.normalize('NFC');
const NFD = '김철수.md'.normalize('NFD');
const PLANTED = '# Week 1 - 김철수\n\n## 1. 남의 명령\n\n```bash\nsudo bpftrace -e \'tracepoint:syscalls:sys_enter_opnat { printf("%s\\n", comm); }\'\n```\n';

describe('attack review 18: a look-alike week note', () => {
  it('HIGH (fixed): with hong-gildong\'s NFD copy of study/week1/김철수.md listed first, kim-cs\'s /verify week1 runs nothing of his and names both files', async () => {
    expect(NFD).not.toBe(NFC);
    const own = submission();
    const listing = openapiExample<any>('content-file-response-if-content-is-a-directory') as any[];
    const entry = (n: string, text: string) => ({ ...listing[0], name: n, path: `study/week1/${n}`, size: Buffer.byteLength(text) });
    // GitHub lists the folder by name: the NFD bytes first
    const folder = [entry(NFD, PLANTED), entry(NFC, own)].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    expect(folder[0]!.name).toBe(NFD);
    const file = openapiExample<any>('content-file-response-if-content-is-a-file');
    const { answer, verifier } = await verifyByNock({
      command: '/verify week1',
      mockRepo: (scope) => {
        scope.get(/\/contents\/study(?:\/|%2F)week1(?:\?.*)?$/).query({ ref: HEAD_SHA }).reply(200, folder);
        for (const [name, text] of [[NFC, own], [NFD, PLANTED]] as const) {
          scope
            .get(new RegExp(`/contents/study(?:/|%2F)week1(?:/|%2F)${encodeURIComponent(name)}(?:\\?.*)?$`))
            .query({ ref: HEAD_SHA })
            .optionally()
            .reply(200, { ...file, name, path: `study/week1/${name}`, content: Buffer.from(text).toString('base64'), size: Buffer.byteLength(text) });
        }
      },
    });
    const ran = verifier.calls[0]?.map((o) => o.heading) ?? [];
    const commands = verifier.calls[0]?.map((o) => o.command) ?? [];
    console.log(`kim-cs's /verify week1 ran: ${JSON.stringify(commands)}`);
    // hong-gildong's line is never run in kim-cs's name: with two files of one name, nothing runs
    // and the answer names both (it ran hong-gildong's one sys_enter_opnat line)
    expect(commands.join('\n')).not.toContain('sys_enter_opnat');
    expect(ran).toEqual([]);
    expect(answer).toContain('NFC/NFD');
  }, 60_000);
});

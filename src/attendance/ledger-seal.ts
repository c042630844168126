import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inflateSync, strFromU8 } from 'fflate';

/**
 * A signature on the ledger, so that a body somebody wrote cannot pass for the bot's record.
 * Every member with write access can edit or delete any comment, the report comment
 * included; the bot restores its record from the payload of those events and re-reads the
 * comment before every write, and it only accepts a ledger it signed itself.
 *
 * HMAC-SHA256 over `owner/repo` (lower-cased) and the ledger block's base64: a signed ledger
 * copied from another study repository of the same app does not verify here. The key is
 * derived (HKDF) from a secret only the app holds; several secrets may verify (the first
 * signs) so rotating one of them does not orphan the record. The JSON inside the block does
 * not change: the signature sits next to it, `<!-- study-bot:ledger v1 BASE64 sig=HEX -->`.
 */
export interface LedgerSeal {
  sign(payload: string): string;
  verify(payload: string, signature: string): boolean;
}

const deriveKey = (secret: string, purpose: string): Buffer => Buffer.from(hkdfSync('sha256', secret, 'study-bot', purpose, 32));

/**
 * `purpose` separates the keys of different records (the ledger, `/verify`'s records): a
 * block signed for one never verifies as the other.
 */
export function ledgerSeal(secrets: readonly string[], repo: { owner: string; repo: string }, purpose = 'attendance-ledger v1'): LedgerSeal | null {
  const keys = secrets.filter((s) => s.length > 0).map((s) => deriveKey(s, purpose));
  if (keys.length === 0) return null;
  const scope = `${repo.owner}/${repo.repo}`.toLowerCase();
  const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(`${scope}\n${payload}`).digest('hex');
  return {
    sign: (payload) => mac(keys[0], payload),
    verify(payload, signature) {
      const given = Buffer.from(signature, 'hex');
      return keys.some((key) => {
        const expected = Buffer.from(mac(key, payload), 'hex');
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
    },
  };
}

/**
 * The secrets the app has, in the order it signs with them: `STUDY_BOT_LEDGER_KEY` (a
 * dedicated, stable key), `WEBHOOK_SECRET`, then the app's private key (`PRIVATE_KEY` or
 * the file at `PRIVATE_KEY_PATH`). None at all (a local experiment) → unsigned ledgers.
 */
export function ledgerSecretsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const secrets = [env.STUDY_BOT_LEDGER_KEY, env.WEBHOOK_SECRET, env.PRIVATE_KEY];
  if (env.PRIVATE_KEY_PATH) {
    try {
      secrets.push(readFileSync(env.PRIVATE_KEY_PATH, 'utf8'));
    } catch {
      // Probot itself fails to start without its key; nothing to add here.
    }
  }
  return secrets.filter((s): s is string => typeof s === 'string' && s.trim().length > 0).map((s) => s.trim());
}

/**
 * The JSON inside a signed hidden block (`<!-- study-bot:KIND vN BASE64 sig=HEX -->`), matched
 * as [whole, version, base64, signature]: null for another version, a signature that does not
 * verify (when the app has a seal), or bytes that are not deflated JSON. The `/verify` and the
 * nudge records read their blocks through it; each then checks its own schema.
 */
export function openSealedBlock(match: RegExpExecArray | null, version: number, seal: LedgerSeal | null): unknown {
  if (!match || Number(match[1]) !== version) return null;
  if (seal && !(match[3] && seal.verify(match[2], match[3]))) return null;
  try {
    return JSON.parse(strFromU8(inflateSync(Buffer.from(match[2], 'base64'))));
  } catch {
    return null;
  }
}

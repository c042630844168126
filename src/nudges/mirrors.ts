import { discordMessage, slackMessage } from './render.js';

/**
 * The digest's copy in a chat: a Discord or Slack incoming webhook from the deployment's
 * environment. One attempt with a short timeout, never a retry: a chat server that is down
 * must not hold up GitHub's work, and a storm of retries helps nobody. Which mirrors got the
 * digest is written in its signed record before sending, so a restart never sends it twice.
 */
export interface Mirror {
  kind: 'discord' | 'slack';
  send(digestMarkdown: string, link: string | null): Promise<void>;
}

export interface MirrorSettings {
  discordUrl?: string;
  slackUrl?: string;
  timeoutMs: number;
}

export const DEFAULT_MIRROR_TIMEOUT_MS = 5_000;

export function mirrorSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): MirrorSettings {
  const url = (v: string | undefined) => (v && /^https?:\/\//.test(v.trim()) ? v.trim() : undefined);
  return { discordUrl: url(env.STUDY_BOT_DISCORD_WEBHOOK_URL), slackUrl: url(env.STUDY_BOT_SLACK_WEBHOOK_URL), timeoutMs: DEFAULT_MIRROR_TIMEOUT_MS };
}

async function post(url: string, payload: unknown, timeoutMs: number): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
  });
  // The body is not needed; drain it so the connection is released.
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
}

export function mirrorsOf(settings: MirrorSettings): Mirror[] {
  const mirrors: Mirror[] = [];
  if (settings.discordUrl) {
    const url = settings.discordUrl;
    mirrors.push({ kind: 'discord', send: (md, link) => post(url, discordMessage(md, link), settings.timeoutMs) });
  }
  if (settings.slackUrl) {
    const url = settings.slackUrl;
    mirrors.push({ kind: 'slack', send: (md, link) => post(url, slackMessage(md, link), settings.timeoutMs) });
  }
  return mirrors;
}

import { capText, TEXT_CAPS, withoutInvisible } from '../text/shown-text.js';

/**
 * Output becomes a public comment, and the runner's machine is root: anything shaped like a
 * credential is masked before it leaves. False positives (a long hex hash) are acceptable.
 */
const SECRET_PATTERNS: RegExp[] = [
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  // Starts only where a run of token characters starts (the lookbehind): with `\b` alone, each
  // `eyJ` of `eyJ-eyJ-…` rescanned the rest of the run (quadratic: 512 KiB held the loop 331 s).
  /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b/g, // JWT
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b[0-9a-fA-F]{32,}\b/g,
  // base64-looking runs with letters of both cases and digits
  /(?<![A-Za-z0-9+/=_-])(?=[A-Za-z0-9+/_-]*[a-z])(?=[A-Za-z0-9+/_-]*[A-Z])(?=[A-Za-z0-9+/_-]*\d)[A-Za-z0-9+/_-]{40,}={0,2}/g,
];

export const REDACTED = '[REDACTED]';

/** longer than any secret the patterns know, but a PEM block (matched to the end of the text) */
const REDACTION_MARGIN = 1024;

/**
 * `text` with its secrets masked, at most `max` code units long. The text is cut before any
 * pattern reads it (a guest's message is as long as the guest likes), with a margin past
 * `max` so that a secret the final cut goes through is still whole when the patterns see it.
 */
export function redactSecrets(text: string, max: number = TEXT_CAPS.redaction): string {
  let out = text.length > max + REDACTION_MARGIN ? text.slice(0, max + REDACTION_MARGIN) : text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, REDACTED);
  return capText(out, max);
}

/**
 * Terminal escapes, NUL, bell and the bidirectional overrides that reorder what a reader sees:
 * a guest's output and a member's headings reach a terminal (the CLI) and a GitHub comment.
 * Tabs and newlines stay. The same set as every renderer strips (src/text/shown-text.ts).
 */
export const withoutControls = withoutInvisible;

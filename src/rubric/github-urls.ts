/**
 * URLs of the study's own GitHub: github.com, or the GitHub Enterprise Server the bot serves
 * (its host comes in through the check's options, from the push's repository URL or the
 * deployment's GHE_HOST; rules never read the environment). One place decides what counts
 * as "a GitHub URL" for the link rules.
 */

export const GITHUB_COM = 'github.com';

/** The web hosts to accept: github.com, plus the Enterprise Server's host when there is one. */
export function githubHostsFor(host: string | null | undefined): string[] {
  const hosts = [GITHUB_COM, `www.${GITHUB_COM}`];
  const extra = normalizeHost(host);
  if (extra && !hosts.includes(extra)) hosts.push(extra);
  return hosts;
}

/** `ghe.example.com`, `https://ghe.example.com/`, `GHE.example.com:8443` → lower-case host[:port]. */
export function normalizeHost(host: string | null | undefined): string | null {
  const raw = host?.trim();
  if (!raw) return null;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//iu.test(raw) ? raw : `https://${raw}`).host.toLowerCase() || null;
  } catch {
    return null;
  }
}

/** The URL's path when it is an http(s) URL on one of `hosts`; null otherwise. */
export function githubPathOf(url: string, hosts: readonly string[]): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  if (!hosts.includes(parsed.host.toLowerCase())) return null;
  return parsed.pathname;
}

/**
 * The repository path a GitHub blob/tree URL points at (`…/owner/repo/tree/main/project/hgd`
 * → `project/hgd`), percent-decoded and NFC; null for any other URL.
 */
export function githubRepoPathOf(url: string, hosts: readonly string[]): string | null {
  const path = githubPathOf(url, hosts);
  if (path === null) return null;
  const m = /^\/[^/]+\/[^/]+\/(?:tree|blob)\/[^/]+\/(.*)$/u.exec(path);
  if (!m) return null;
  let decoded = m[1]!;
  try {
    decoded = decodeURIComponent(decoded);
  } catch {
    // a lone `%`: kept literal
  }
  return decoded.normalize('NFC').replace(/(?<!\/)\/+$/u, '');
}

/** A file attached to a comment or an issue on GitHub (drag and drop: images, videos). */
export function isGitHubAttachment(url: string, hosts: readonly string[]): boolean {
  return githubPathOf(url, hosts)?.startsWith('/user-attachments/assets/') ?? false;
}

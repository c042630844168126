import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { CONFIG_PATH, type Language } from '../config/schema.js';

/**
 * The `language` of the study config above `from` (the nearest `.github/study.yml` found
 * walking up), or null. For commands that only need to know which language to speak
 * (`verify`, `doctor`): read leniently, without git (they run under sudo, where git may
 * refuse someone else's checkout), and a config with other problems still says its language.
 */
export async function configLanguage(from: string): Promise<Language | null> {
  let dir = resolve(from);
  for (;;) {
    const text = await readFile(join(dir, CONFIG_PATH), 'utf8').catch(() => null);
    if (text !== null) {
      try {
        const language = (parse(text) as { language?: unknown } | null)?.language;
        return language === 'ko' || language === 'en' ? language : null;
      } catch {
        return null; // broken YAML: `check` reports it; here it only means "no preference"
      }
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

import type { Language } from '../config/schema.js';

/** A message in both languages; Korean is the study's first language, English the fallback. */
export interface Bilingual {
  ko: string;
  en: string;
}

export const pick = (lang: Language, text: Bilingual): string => text[lang] ?? text.ko;

/** `off`/`on` in English or Korean → true (off), false (on), null (neither). Pure. */
const WORDS = new Map<string, boolean>([
  ['off', true],
  ['끄기', true],
  ['꺼', true],
  ['끔', true],
  ['on', false],
  ['켜기', false],
  ['켜', false],
  ['켬', false],
]);

export function nudgePreference(args: readonly string[]): boolean | null {
  if (args.length !== 1) return null;
  return WORDS.get(args[0].toLowerCase()) ?? null;
}

import type { Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';

export interface SlashCommand {
  /** lower-cased, without the slash: `verify`, `출석`, `attendance`, `report` */
  name: string;
  /** the words after the name, as written */
  args: string[];
  /** the whole command line as written, for quoting it back in a reply */
  raw: string;
}

const parser = remark().use(remarkGfm);

// A command must start a line of ordinary text. Text inside code (fenced, indented or
// inline), block quotes and HTML is someone showing or quoting a command, not giving one.
const COMMAND_LINE = /^\/([\p{L}\p{N}_-]+)(?:[ \t]+(.*))?$/u;

function* commandLines(nodes: RootContent[]): Generator<string> {
  for (const node of nodes) {
    if (node.type === 'paragraph' || node.type === 'heading') {
      // Inline code is blanked so that `/verify` written as code never starts a command.
      const text = node.children.map((child) => (child.type === 'inlineCode' ? ' ' : toString(child))).join('');
      for (const line of text.split('\n')) yield line.trim();
    } else if (node.type === 'list') {
      for (const item of node.children) yield* commandLines(item.children);
    }
  }
}

/** Every slash command given in a comment body, in order. Never throws. */
export function parseCommands(body: string | null | undefined): SlashCommand[] {
  if (!body) return [];
  // Comment bodies are small, but a hostile one is not: commands live in the first lines.
  const tree = parser.parse(body.slice(0, 20_000)) as Root;
  const commands: SlashCommand[] = [];
  for (const line of commandLines(tree.children)) {
    const match = COMMAND_LINE.exec(line);
    if (!match) continue;
    const args = (match[2] ?? '').split(/\s+/).filter(Boolean);
    commands.push({ name: match[1].toLowerCase(), args, raw: line });
  }
  return commands;
}

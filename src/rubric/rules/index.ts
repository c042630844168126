import type { RubricRule } from '../types.js';
import bccCode from './bcc-code.js';
import emptySection from './empty-section.js';
import envFields from './env-fields.js';
import evidence from './evidence.js';
import hookPoints from './hook-points.js';
import links from './links.js';
import onelinerCount from './oneliner-count.js';
import placeholders from './placeholders.js';
import presentationLink from './presentation-link.js';
import projectLink from './project-link.js';
import sections from './sections.js';
import terminalOutput from './terminal-output.js';
import title from './title.js';
import topicCoverage from './topic-coverage.js';

/** Every rule by id. The ids are part of the JSON contract of `study-bot check`. */
// Each rule has options of its own type; the table holds them all (load-rubrics checks each with its schema).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const RULES: Readonly<Record<string, RubricRule<any>>> = Object.fromEntries(
  [title, sections, envFields, onelinerCount, evidence, placeholders, links, emptySection, hookPoints, terminalOutput, bccCode, projectLink, presentationLink, topicCoverage].map(
    (rule) => [rule.id, rule],
  ),
);

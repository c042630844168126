import type { Probot } from 'probot';
import type { AppDeps } from '../app/deps.js';
import type { CommandHandler } from '../commands/dispatch.js';

// Placeholder until this capability lands: the app loads and ignores these events.
export function registerVerify(_app: Probot, _deps: AppDeps, _commands: CommandHandler[]): void {}

/**
 * Which version a rollback returns to, from the audit trail alone: replaying model_events in time order, a
 * promote (or a bootstrap promote) pushes its version on the production stack and a rollback pops the version it
 * left. The previous production version is then the entry below the top. Rolling back twice therefore walks
 * back two promotions (undo semantics), never flips between the last two versions.
 */
import type { ModelChangeEvent } from '../core/model/registry.js';

export function productionStack(events: readonly Pick<ModelChangeEvent, 'action' | 'version' | 'at'>[]): string[] {
  const stack: string[] = [];
  const ordered = [...events].sort((a, b) => a.at - b.at);
  for (const e of ordered) {
    if (e.action === 'promote') {
      if (stack[stack.length - 1] !== e.version) stack.push(e.version);
    } else if (e.action === 'rollback') {
      stack.pop();
      // The target is what is now on top; a history that started mid-way gets it pushed.
      if (stack[stack.length - 1] !== e.version) stack.push(e.version);
    }
  }
  return stack;
}

/** The version a rollback from `current` returns to, or undefined when there is none. */
export function previousProduction(
  events: readonly Pick<ModelChangeEvent, 'action' | 'version' | 'at'>[],
  current: string,
): string | undefined {
  const stack = productionStack(events);
  if (stack[stack.length - 1] !== current) return undefined;
  for (let i = stack.length - 2; i >= 0; i--) if (stack[i] !== current) return stack[i];
  return undefined;
}

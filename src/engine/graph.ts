// Dependency graph of activities: cycles (named for the user) and a topological order.

/** Each elementary cycle found by depth-first search, as ids in dependency order, e.g. `['a','b','c']` for a → b → c → a. */
export function findCycles(activities: ReadonlyArray<{ id: string; dependsOn: ReadonlyArray<string> }>): string[][] {
  const edges = new Map(activities.map((activity) => [activity.id, activity.dependsOn]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();

  // Iterative DFS: a 10,000-activity chain would overflow the call stack.
  for (const root of edges.keys()) {
    if (state.has(root)) continue;
    const frames: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    state.set(root, 'open');
    stack.push(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      const targets = edges.get(frame.id) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++];
        if (!edges.has(target)) continue;
        const targetState = state.get(target);
        if (targetState === 'open') {
          const cycle = stack.slice(stack.indexOf(target));
          // The same cycle reached from another entry point is reported once.
          const key = [...cycle].sort().join('\u0000');
          if (!seen.has(key)) {
            seen.add(key);
            cycles.push(cycle);
          }
        } else if (targetState === undefined) {
          state.set(target, 'open');
          stack.push(target);
          frames.push({ id: target, next: 0 });
        }
      } else {
        state.set(frame.id, 'done');
        stack.pop();
        frames.pop();
      }
    }
  }
  return cycles;
}

/** `a → b → c → a`, the way a cycle is shown to people. */
export function describeCycle(cycle: ReadonlyArray<string>): string {
  return [...cycle, cycle[0]].join(' → ');
}

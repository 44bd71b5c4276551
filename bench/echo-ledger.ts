/** Whether every message of one server's runs got exactly one echo. */
export interface EchoCheck {
  expectedCount: number;
  exactlyOnceCount: number;
  missingCount: number;
  duplicatedCount: number;
  /** Echo lines with the runs' prefix that no run sent. */
  strayCount: number;
  /** The first few problems: `id: no echo` or `id: 2 echoes`. */
  examples: string[];
}

/**
 * Counts, per message id, the bot messages that carried its echo (a message edited to the same
 * echo counts once), and checks them against what the runs sent (ids `${tag}m${index}`).
 */
export function createEchoLedger(maxExamples = 5) {
  const counts = new Map<string, number>();
  const runs: { tag: string; sentCount: number }[] = [];

  return {
    count(id: string) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
    },
    /** A finished run: messages `${tag}m0` to `${tag}m${sentCount - 1}` each expect one echo. */
    expect(tag: string, sentCount: number) {
      runs.push({ tag, sentCount });
    },
    check(tagPrefix: string): EchoCheck {
      const check: EchoCheck = { expectedCount: 0, exactlyOnceCount: 0, missingCount: 0, duplicatedCount: 0, strayCount: 0, examples: [] };
      const expected = new Set<string>();
      for (const run of runs.filter((each) => each.tag.startsWith(tagPrefix))) {
        for (let index = 0; index < run.sentCount; index += 1) {
          const id = `${run.tag}m${index}`;
          expected.add(id);
          const count = counts.get(id) ?? 0;
          check.expectedCount += 1;
          if (count === 1) check.exactlyOnceCount += 1;
          else if (count === 0) check.missingCount += 1;
          else check.duplicatedCount += 1;
          if (count !== 1 && check.examples.length < maxExamples) check.examples.push(`${id}: ${count === 0 ? "no echo" : `${count} echoes`}`);
        }
      }
      for (const id of counts.keys()) if (id.startsWith(tagPrefix) && !expected.has(id)) check.strayCount += 1;
      return check;
    },
  };
}

export type EchoLedger = ReturnType<typeof createEchoLedger>;

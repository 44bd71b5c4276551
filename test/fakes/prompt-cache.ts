import { estimateTokens } from "./model-script.ts";

/**
 * Simulated provider prompt caches, so a test can see whether a byte-stable prompt prefix would
 * hit. Prompts are given as serialized units (a tool, a system block, a message or content block);
 * a cache entry covers whole units from the start of the prompt.
 */

/**
 * OpenAI's automatic caching: the cached part of a prompt is its longest common prefix with any
 * earlier prompt. Real OpenAI caches only from 1024 tokens up, in steps of 128; `minTokens` models
 * the first rule (default 0 so small test prompts hit too).
 */
export function createAutomaticCache(minTokens = 0) {
  const earlier: string[] = [];
  return {
    /** Cached tokens of this prompt; remembers it for the next ones. */
    lookUp(units: string[]): number {
      const prompt = units.join("");
      let longest = 0;
      for (const previous of earlier) longest = Math.max(longest, commonPrefixLength(prompt, previous));
      earlier.push(prompt);
      const cachedTokens = Math.floor(longest / 4);
      return cachedTokens >= minTokens ? Math.min(cachedTokens, estimateTokens(prompt)) : 0;
    },
  };
}

export interface CacheUnit {
  text: string;
  /** The unit carries `cache_control`. */
  isBreakpoint: boolean;
}

/**
 * Anthropic's explicit caching: a prompt is cached up to its last `cache_control` breakpoint. A
 * read hits the longest earlier-written prefix ending on a unit boundary at or before that
 * breakpoint; the rest up to the breakpoint is written. Prefixes shorter than `minTokens` are not
 * cached (real minimum: 1024 or 2048 tokens depending on the model).
 */
export function createBreakpointCache(minTokens = 0) {
  const written = new Set<string>();
  return {
    lookUp(units: CacheUnit[]): { readTokens: number; writeTokens: number } {
      const prefixes: string[] = [];
      for (const unit of units) prefixes.push((prefixes.at(-1) ?? "") + unit.text);
      const last = units.findLastIndex((unit) => unit.isBreakpoint);
      if (last < 0 || estimateTokens(prefixes[last]!) < minTokens) return { readTokens: 0, writeTokens: 0 };
      let readTokens = 0;
      for (let index = last; index >= 0; index -= 1) {
        if (written.has(prefixes[index]!)) {
          readTokens = estimateTokens(prefixes[index]!);
          break;
        }
      }
      units.forEach((unit, index) => {
        if (unit.isBreakpoint) written.add(prefixes[index]!);
      });
      return { readTokens, writeTokens: estimateTokens(prefixes[last]!) - readTokens };
    },
  };
}

function commonPrefixLength(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  let index = 0;
  while (index < length && left.charCodeAt(index) === right.charCodeAt(index)) index += 1;
  return index;
}

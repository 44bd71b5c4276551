/**
 * Function lengths in TypeScript source without a compiler API (the installed typescript 7 is the native port,
 * with no JS parser): strings, template literals, comments and regex literals are blanked first, then each `{`
 * that opens a function body is matched with its `}`. A function body is a `{` after `=>`, or after the `)` of a
 * parameter list (with an optional return type) whose `(` does not follow `if`, `for`, `while`, `switch`, `catch`
 * or `with`. A function whose return type is an object literal type (`): { … } {`) is not seen; nothing in
 * core/ is written so, and the examples in the test pin what is caught.
 */
export interface FunctionLength {
  name: string;
  /** 1-based line of the function's start (its parameter list or arrow). */
  line: number;
  lines: number;
}

const regexAfter = /[(,=:[!&|?{};+\-*%<>~^]$|(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|void|yield|await)$/;

/** The source with every string, template text, comment and regex literal replaced by spaces (newlines kept). */
export function blankLiterals(source: string): string {
  const out = source.split("");
  const blank = (from: number, to: number) => {
    for (let index = from; index < to; index++) if (out[index] !== "\n") out[index] = " ";
  };
  /** Template literals nest: `${` inside one opens code, whose braces are counted until its `}`. */
  const templateDepths: number[] = [];
  let braceDepth = 0;
  let index = 0;
  const skipTemplateText = () => {
    // At the start of template text (just after ` or the } that ends a ${…}): up to the closing ` or the next ${.
    const start = index;
    while (index < source.length) {
      const char = source[index];
      if (char === "\\") {
        index += 2;
        continue;
      }
      if (char === "`") {
        blank(start, index);
        index += 1;
        return;
      }
      if (char === "$" && source[index + 1] === "{") {
        // The ${ and its } are blanked too, so that only the code's own braces remain.
        blank(start, index + 2);
        index += 2;
        templateDepths.push(braceDepth);
        braceDepth += 1;
        return;
      }
      index += 1;
    }
    blank(start, index);
  };
  while (index < source.length) {
    const char = source[index]!;
    const next = source[index + 1];
    if (char === "/" && next === "/") {
      const end = source.indexOf("\n", index);
      const stop = end === -1 ? source.length : end;
      blank(index, stop);
      index = stop;
    } else if (char === "/" && next === "*") {
      const end = source.indexOf("*/", index + 2);
      const stop = end === -1 ? source.length : end + 2;
      blank(index, stop);
      index = stop;
    } else if (char === "'" || char === '"') {
      const start = index;
      index += 1;
      while (index < source.length && source[index] !== char && source[index] !== "\n") index += source[index] === "\\" ? 2 : 1;
      index += 1;
      blank(start + 1, index - 1);
    } else if (char === "`") {
      index += 1;
      skipTemplateText();
    } else if (char === "/" && regexAfter.test(out.slice(Math.max(0, index - 12), index).join("").trimEnd())) {
      const start = index;
      let isInClass = false;
      index += 1;
      while (index < source.length && source[index] !== "\n") {
        const current = source[index];
        if (current === "\\") index += 1;
        else if (current === "[") isInClass = true;
        else if (current === "]") isInClass = false;
        else if (current === "/" && !isInClass) break;
        index += 1;
      }
      index += 1;
      blank(start + 1, index - 1);
    } else if (char === "{") {
      braceDepth += 1;
      index += 1;
    } else if (char === "}") {
      braceDepth -= 1;
      index += 1;
      if (templateDepths.at(-1) === braceDepth) {
        templateDepths.pop();
        out[index - 1] = " ";
        skipTemplateText();
      }
    } else {
      index += 1;
    }
  }
  return out.join("");
}

const controlWords = new Set(["if", "for", "while", "switch", "catch", "with"]);

/** Where the `(` matching the `)` at `close` is, or -1. */
function openParenOf(code: string, close: number): number {
  let depth = 0;
  for (let index = close; index >= 0; index--) {
    if (code[index] === ")") depth += 1;
    else if (code[index] === "(" && --depth === 0) return index;
  }
  return -1;
}

/** For a `{` at `open`: the start of the function it opens (the `(` of its parameters, or its arrow), else -1. */
function functionStart(code: string, open: number): { start: number; name: string } | undefined {
  const before = code.slice(0, open).trimEnd();
  if (before.endsWith("=>")) {
    const head = before.slice(0, -2).trimEnd();
    const paren = head.endsWith(")") ? openParenOf(code, head.length - 1) : head.length - 1;
    return { start: Math.max(0, paren), name: nameBefore(code, Math.max(0, paren)) };
  }
  // A return type: `): Promise<X> {`, `): Approvals {`, `): x is Y {`.
  const typed = /\)\s*:\s*[\w$.<>[\], |&?"'\s]*$/.exec(before);
  const closeParen = typed ? typed.index : before.endsWith(")") ? before.length - 1 : -1;
  if (closeParen === -1) return undefined;
  const paren = openParenOf(code, closeParen);
  if (paren === -1) return undefined;
  const word = /([\w$]+)\s*(?:<[^()]*>)?\s*$/.exec(code.slice(Math.max(0, paren - 200), paren))?.[1];
  if (!word || controlWords.has(word)) return undefined;
  return { start: paren, name: word };
}

/** The name an arrow function is given: `const name = (…) =>`, `name: (…) =>`. */
function nameBefore(code: string, at: number): string {
  const match = /([\w$]+)\s*(?::[^=]*)?[=:]\s*(?:async\s*)?$/.exec(code.slice(Math.max(0, at - 200), at));
  return match?.[1] ?? "(arrow)";
}

const lineAt = (code: string, index: number) => code.slice(0, index).split("\n").length;

/** Every function body in `source` with its length in lines (first line to closing brace, both counted). */
export function functionLengths(source: string): FunctionLength[] {
  const code = blankLiterals(source);
  const found: FunctionLength[] = [];
  const opens: { index: number; fn?: { start: number; name: string } }[] = [];
  for (let index = 0; index < code.length; index++) {
    if (code[index] === "{") opens.push({ index, fn: functionStart(code, index) });
    else if (code[index] === "}") {
      const open = opens.pop();
      if (open?.fn) {
        const line = lineAt(code, open.fn.start);
        found.push({ name: open.fn.name, line, lines: lineAt(code, index) - line + 1 });
      }
    }
  }
  return found;
}

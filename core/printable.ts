/** ANSI escape sequences: CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ST`) and two-character escapes. */
const ansiEscapes = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]/g;
/** C0 and C1 control characters, DEL, and the bidirectional overrides that reorder what a terminal shows. */
const controls = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Someone else's text (a display name) made safe to print on one line: escapes and control characters removed,
 * line breaks and runs of spaces collapsed to one space.
 */
export function printable(text: string): string {
  return text.replace(ansiEscapes, "").replace(/\s+/g, " ").replace(controls, "").trim();
}

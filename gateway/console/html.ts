/** Text and attribute values made safe to put into the console's HTML (every value from the store is untrusted). */
export const escapeHtml = (text: string | number): string =>
  String(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** A tagged template whose `${}` values are escaped, except those already wrapped by `raw`. */
export interface RawHtml {
  readonly html: string;
}
export const raw = (html: string): RawHtml => ({ html });

export function html(strings: TemplateStringsArray, ...values: (string | number | RawHtml | RawHtml[] | undefined)[]): RawHtml {
  let out = strings[0]!;
  values.forEach((value, index) => {
    if (Array.isArray(value)) out += value.map((part) => part.html).join("");
    else if (value === undefined) out += "";
    else if (typeof value === "object") out += value.html;
    else out += escapeHtml(value);
    out += strings[index + 1]!;
  });
  return raw(out);
}

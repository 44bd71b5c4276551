export type TableFormat = "text" | "markdown";

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
  /** Columns aligned right (figures). */
  numericColumns?: number[];
}

function renderText(table: Table): string {
  const widths = table.headers.map((header, column) =>
    Math.max(header.length, ...table.rows.map((row) => (row[column] ?? "").length)),
  );
  const isNumeric = (column: number) => table.numericColumns?.includes(column) ?? false;
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (isNumeric(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  return [table.title, line(table.headers), widths.map((width) => "-".repeat(width)).join("  "), ...table.rows.map(line)].join("\n");
}

function renderMarkdown(table: Table): string {
  const escape = (cell: string) => cell.replaceAll("|", "\\|");
  const line = (cells: string[]) => `| ${cells.map(escape).join(" | ")} |`;
  const rule = table.headers.map((_header, column) => (table.numericColumns?.includes(column) ? "---:" : "---"));
  return [`### ${table.title}`, "", line(table.headers), `|${rule.join("|")}|`, ...table.rows.map(line)].join("\n");
}

export function renderTable(table: Table, format: TableFormat): string {
  return format === "markdown" ? renderMarkdown(table) : renderText(table);
}

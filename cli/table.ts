/**
 * Rows of left-aligned columns two spaces apart, as the CLI's terminal tables print them. The last column is not
 * padded (it holds free text) and trailing space is trimmed. `paint` colours a cell after padding, so ANSI codes
 * never break the column widths.
 */
export function alignColumns(
  rows: readonly (readonly string[])[],
  paint?: (text: string, row: number, column: number) => string,
): string[] {
  const last = (rows[0]?.length ?? 0) - 1;
  const widths = (rows[0] ?? []).map((_, i) => (i === last ? 0 : Math.max(...rows.map((row) => row[i]!.length))));
  return rows.map((cells, r) =>
    cells
      .map((cell, i) => {
        const padded = i === last ? cell : cell.padEnd(widths[i]!);
        return paint ? paint(padded, r, i) : padded;
      })
      .join('  ')
      .trimEnd(),
  );
}

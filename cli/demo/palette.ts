/** One hue per demo function (colour-blind-friendly Okabe–Ito order); managed solid, unmanaged dashed. */
const HUES = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'];

export function colourOf(index: number): string {
  return HUES[index % HUES.length]!;
}

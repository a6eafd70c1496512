import { MARKERS, type Marker } from '../../simulator/report/chart';
import type { Copy } from './record';

/** One hue per demo function (colour-blind-friendly Okabe–Ito order). */
const HUES = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9'];

/** Share of white mixed into a function's hue for its unmanaged copy: a lighter line, still the same family. */
const UNMANAGED_TINT = 0.45;

function tint(hex: string, share: number): string {
  const channel = (at: number) => {
    const value = Number.parseInt(hex.slice(at, at + 2), 16);
    return Math.round(value + (255 - value) * share)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(1)}${channel(3)}${channel(5)}`;
}

/**
 * A function's colour: its hue for the managed copy (and for series that are not per copy), a lighter tint of it
 * for the copy left alone, so the two copies differ by colour as well as by dash and marker.
 */
export function colourOf(index: number, copy: Copy = 'managed'): string {
  const hue = HUES[index % HUES.length]!;
  return copy === 'managed' ? hue : tint(hue, UNMANAGED_TINT);
}

/** A marker shape per function and copy, each pair distinct: a series is told apart without its colour. */
export function markerOf(index: number, copy: Copy = 'managed'): Marker {
  return MARKERS[(2 * index + (copy === 'managed' ? 0 : 1)) % MARKERS.length]!;
}

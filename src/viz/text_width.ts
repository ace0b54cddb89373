/**
 * Text widths for laying out figures without a canvas. Vega measures text with a canvas
 * when there is one; in Node it otherwise guesses 0.8 em a character, far wider than real
 * text, which leaves wide blank margins. These are the advance widths (in em) of DejaVu
 * Sans and DejaVu Sans Bold, the fonts the PNGs are drawn with, read from the fonts' hmtx
 * tables for the characters the lab's figures use.
 */

const CHARS = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~·ᵀ⁻¹²λ◆≥≤×–—…°±√∞αβγηΣσ≈→←∈";

const REGULAR = [
  0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361,
  0.318, 0.337, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337,
  0.337, 0.838, 0.838, 0.838, 0.531, 1.0, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752,
  0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732,
  0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55,
  0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612, 0.635,
  0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636,
  0.838, 0.318, 0.385, 0.528, 0.401, 0.401, 0.592, 0.769, 0.838, 0.838, 0.838, 0.5, 1.0, 1.0,
  0.5, 0.838, 0.637, 0.833, 0.659, 0.638, 0.592, 0.634, 0.632, 0.634, 0.838, 0.838, 0.838, 0.871,
];

const BOLD = [
  0.348, 0.456, 0.521, 0.838, 0.696, 1.002, 0.872, 0.306, 0.457, 0.457, 0.523, 0.838, 0.38,
  0.415, 0.38, 0.365, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.696, 0.4,
  0.4, 0.838, 0.838, 0.838, 0.58, 1.0, 0.774, 0.762, 0.734, 0.83, 0.683, 0.683, 0.821, 0.837,
  0.372, 0.372, 0.775, 0.637, 0.995, 0.837, 0.85, 0.733, 0.85, 0.77, 0.72, 0.682, 0.812, 0.774,
  1.103, 0.771, 0.724, 0.725, 0.457, 0.365, 0.457, 0.838, 0.5, 0.5, 0.675, 0.716, 0.593, 0.716,
  0.678, 0.435, 0.716, 0.712, 0.343, 0.343, 0.665, 0.343, 1.042, 0.712, 0.687, 0.716, 0.716,
  0.493, 0.595, 0.478, 0.712, 0.652, 0.924, 0.645, 0.652, 0.582, 0.712, 0.365, 0.712, 0.838,
  0.38, 0.43, 0.528, 0.438, 0.438, 0.633, 0.769, 0.838, 0.838, 0.838, 0.5, 1.0, 1.0, 0.5, 0.838,
  0.667, 0.833, 0.687, 0.716, 0.681, 0.712, 0.683, 0.779, 0.838, 0.838, 0.838, 0.896,
];

const regular = new Map<string, number>();
const bold = new Map<string, number>();
[...CHARS].forEach((c, i) => { regular.set(c, REGULAR[i]!); bold.set(c, BOLD[i]!); });

/** Width of a character missing from the table, in em (about an average lower-case letter). */
const FALLBACK_EM = 0.62;

/**
 * The width in pixels of `text` set in DejaVu Sans (or DejaVu Sans Bold) at `fontSize` pixels.
 * @example textWidth("epoch", 12) // about 36
 */
export function textWidth(text: string, fontSize: number, isBold = false): number {
  const table = isBold ? bold : regular;
  let em = 0;
  for (const c of text) em += table.get(c) ?? FALLBACK_EM;
  return em * fontSize;
}

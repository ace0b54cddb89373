// Python's printf-style conversions (%#8.4g, %9.3f, %6d, %-21s), with its rounding (half to
// even on the exact binary value), so printed summaries match statsmodels character for
// character.

const SPEC = /^%(-)?(#)?(\d+)?(?:\.(\d+))?([fgeds])$/;

/** Digits of |x| rounded to `digits` decimals, ties to even (toFixed rounds them up). */
function fixedDigits(ax: number, digits: number): string {
  if (ax >= 1e21) return BigInt(ax).toString() + (digits > 0 ? "." + "0".repeat(digits) : "");
  const s = ax.toFixed(digits);
  if (digits + 25 <= 100) {
    const exact = ax.toFixed(digits + 25);
    const tail = exact.slice(exact.length - 25);
    if (/^50*$/.test(tail)) {
      const cut = exact.slice(0, exact.length - 25).replace(/\.$/, "");
      const last = cut.charCodeAt(cut.length - 1) - 48;
      if (last % 2 === 0) return cut;
    }
  }
  return s;
}

/** Mantissa digits and exponent of |x| rounded to `digits` decimals in scientific form, ties to even. */
function expDigits(ax: number, digits: number): [string, number] {
  let s = ax.toExponential(digits);
  if (digits + 25 <= 100) {
    const exact = ax.toExponential(digits + 25);
    const [mant, e] = exact.split("e");
    const tail = mant.slice(mant.length - 25);
    if (/^50*$/.test(tail)) {
      const cut = mant.slice(0, mant.length - 25).replace(/\.$/, "");
      const last = cut.charCodeAt(cut.length - 1) - 48;
      if (last % 2 === 0) s = `${cut}e${e}`;
    }
  }
  const [m, e] = s.split("e");
  return [m, Number(e)];
}

function expString(m: string, e: number): string {
  const ae = Math.abs(e);
  return `${m}e${e < 0 ? "-" : "+"}${ae < 10 ? "0" : ""}${ae}`;
}

/** The body of %g / %#g for |x| (no sign). */
function gDigits(ax: number, prec: number, alt: boolean): string {
  const P = prec === 0 ? 1 : prec;
  if (ax === 0) return alt ? "0." + "0".repeat(P - 1) : "0";
  const [, X] = expDigits(ax, P - 1);
  let body: string;
  if (X >= -4 && X < P) body = fixedDigits(ax, P - 1 - X);
  else { const [m, e] = expDigits(ax, P - 1); body = expString(m, e); }
  if (alt) {
    if (!body.includes(".")) {
      const i = body.indexOf("e");
      body = i < 0 ? body + "." : body.slice(0, i) + "." + body.slice(i);
    }
    return body;
  }
  // Without '#', trailing zeros and a bare decimal point go.
  const i = body.indexOf("e");
  let mant = i < 0 ? body : body.slice(0, i);
  const exp = i < 0 ? "" : body.slice(i);
  if (mant.includes(".")) mant = mant.replace(/0+$/, "").replace(/\.$/, "");
  return mant + exp;
}

/**
 * Formats one value with a Python %-conversion spec: flags '-' and '#', a width, a
 * precision and one of f, g, e, d, s (Python's "%#8.4g" % x and friends).
 * @example pyFormat("%#8.4g", 4794.0)   // "   4794."
 * @example pyFormat("%9.3g", 1.23456e-7) // " 1.23e-07"
 */
export function pyFormat(spec: string, value: number | string): string {
  const m = SPEC.exec(spec);
  if (m === null) throw new RangeError(`pyFormat: unsupported format ${JSON.stringify(spec)}`);
  const [, left, alt, width, precision, conv] = m;
  let body: string;
  if (conv === "s") body = String(value);
  else {
    const x = Number(value);
    const neg = x < 0 || Object.is(x, -0);
    const ax = Math.abs(x);
    if (Number.isNaN(x)) body = "nan";
    else if (!Number.isFinite(x)) body = neg ? "-inf" : "inf";
    else {
      const prec = precision === undefined ? 6 : Number(precision);
      let digits: string;
      if (conv === "d") digits = BigInt(Math.trunc(ax)).toString();
      else if (conv === "f") digits = fixedDigits(ax, prec) + (alt && prec === 0 ? "." : "");
      else if (conv === "e") { const [mm, e] = expDigits(ax, prec); digits = expString(alt && prec === 0 ? mm + "." : mm, e); }
      else digits = gDigits(ax, prec, alt !== undefined);
      body = (neg && !(conv === "d" && Math.trunc(ax) === 0) ? "-" : "") + digits;
    }
  }
  const w = width === undefined ? 0 : Number(width);
  return left ? body.padEnd(w) : body.padStart(w);
}

/** Python's str.center: the extra space of an odd margin goes left when the width is odd. */
export function center(s: string, width: number): string {
  const marg = width - s.length;
  if (marg <= 0) return s;
  const left = Math.floor(marg / 2) + (marg & width & 1);
  return " ".repeat(left) + s + " ".repeat(marg - left);
}

// Python's %-formatting as statsmodels' summaries use it; expected strings printed by
// Python 3.11 ("%#8.4g" % 4794.0 and so on).
import { describe, expect, it } from "vitest";
import { center, pyFormat } from "../../src/stats/report/py_format.js";

describe("pyFormat matches Python's % operator", () => {
  const cases: [string, number | string, string][] = [
    ["%#8.4g", 4794.0, "   4794."], ["%9.3g", 1.23456e-7, " 1.23e-07"], ["%#8.3f", 0.518, "   0.518"],
    ["%#8.4g", 46.27, "   46.27"], ["%#6.3g", 3.83e-62, "3.83e-62"], ["%#8.5g", -2386.0, " -2386.0"],
    ["%10.4f", 152.1335, "  152.1335"], ["%9.3f", -0.0001, "   -0.000"], ["%#6.3f", 0.0005, " 0.001"],
    ["%.0f", 0.5, "0"], ["%.0f", 1.5, "2"], ["%.2f", 0.125, "0.12"], ["%.2f", 0.375, "0.38"],
    ["%#6.4g", 5.954e-122, "5.954e-122"], ["%9.3g", 12345.678, " 1.23e+04"], ["%10.4g", -9.102e-7, "-9.102e-07"],
    ["%#8.3g", 227.0, "    227."], ["%#8.3g", 1.0, "    1.00"], ["%6d", 442, "   442"], ["%-21s", "  R-squared:", "  R-squared:         "],
    ["%g", 100000, "100000"], ["%g", 1000000, "1e+06"], ["%#g", 0, "0.00000"], ["%9.3f", -0.0, "   -0.000"],
    ["%e", 12345.6789, "1.234568e+04"], ["%.3g", 0.00012345, "0.000123"], ["%#8.4g", 1e21, "1.000e+21"], ["%.1f", 1e22, "10000000000000000000000.0"],
    ["%#8.3f", NaN, "     nan"], ["%9.3g", -Infinity, "     -inf"],
  ];
  for (const [spec, value, want] of cases) {
    it(`${JSON.stringify(spec)} % ${value} == ${JSON.stringify(want)}`, () => expect(pyFormat(spec, value)).toBe(want));
  }
  it("center() splits odd margins as str.center does; bad specs are errors", () => {
    expect(center("OLS Regression Results", 78)).toBe(" ".repeat(28) + "OLS Regression Results" + " ".repeat(28));
    expect(center("ab", 7)).toBe("   ab  ");
    expect(center("abc", 8)).toBe("  abc   ");
    expect(() => pyFormat("%q", 1)).toThrow('pyFormat: unsupported format "%q"');
  });
});

// Marching squares on functions whose iso-lines are known in closed form.
import { describe, expect, it } from "vitest";
import { contourLevels, contourLines, contourSegments } from "../../src/viz/contour.js";

const grid = (n: number, lo: number, hi: number): number[] => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

describe("contourSegments", () => {
  it("puts the level set of x^2 + y^2 = 1 on the unit circle", () => {
    const xs = grid(61, -2, 2), ys = grid(61, -2, 2);
    const z = ys.map((y) => xs.map((x) => x * x + y * y));
    const segs = contourSegments(xs, ys, z, [1]);
    expect(segs.length).toBeGreaterThan(40);
    // Linear interpolation along a cell edge of width 1/15 errs by at most h^2/8 in z.
    for (const s of segs) {
      expect(Math.hypot(s.x, s.y)).toBeCloseTo(1, 2);
      expect(Math.hypot(s.x2, s.y2)).toBeCloseTo(1, 2);
    }
  });

  it("interpolates linearly along the crossed edges", () => {
    // z = x + y on the unit square: the level 1.5 crosses the right edge at y = 0.5 and the top edge at x = 0.5.
    const [seg] = contourSegments([0, 1], [0, 1], [[0, 1], [1, 2]], [1.5]);
    expect(seg).toEqual({ level: 1.5, x: 1, y: 0.5, x2: 0.5, y2: 1 });
  });

  it("names the shape mismatch when z does not match the axes", () => {
    expect(() => contourSegments([0, 1, 2], [0, 1], [[0, 1], [1, 2]], [1])).toThrow(/z must be 2 rows of 3 values/);
  });
});

describe("contourLines", () => {
  it("joins the circle's segments into one closed line", () => {
    const xs = grid(41, -2, 2), ys = grid(41, -2, 2);
    const z = ys.map((y) => xs.map((x) => x * x + y * y));
    const lines = contourLines(xs, ys, z, [1, 2.25]);
    expect(lines.map((l) => l.level)).toEqual([1, 2.25]);
    for (const l of lines) {
      const first = l.points[0]!, last = l.points[l.points.length - 1]!;
      expect(last).toEqual(first);
      expect(l.points.length).toBe(contourSegments(xs, ys, z, [l.level]).length + 1);
    }
  });

  it("keeps separate pieces apart (two wells give two lines)", () => {
    const xs = grid(41, -3, 3), ys = grid(21, -1.5, 1.5);
    const z = ys.map((y) => xs.map((x) => Math.min((x - 1.5) ** 2 + y * y, (x + 1.5) ** 2 + y * y)));
    expect(contourLines(xs, ys, z, [0.5])).toHaveLength(2);
  });
});

describe("contourLevels", () => {
  it("spaces a loss surface's levels evenly in log scale, three decades down from its top", () => {
    const z = [[0, 10], [100, 1000]];
    const levels = contourLevels(z, 2);
    // From max(min positive 10, 1000 * 1e-3 = 1) = 10 to 1000: 10^(1 + 2k/3).
    expect(levels[0]).toBeCloseTo(10 ** (1 + 2 / 3), 9);
    expect(levels[1]).toBeCloseTo(10 ** (1 + 4 / 3), 9);
  });

  it("treats a minimum a hair below 0 (rounding) as a non-negative surface", () => {
    const levels = contourLevels([[-1e-14, 1], [10, 100]], 3);
    expect(levels[0]).toBeGreaterThan(0.1);
    expect(levels[1]! / levels[0]!).toBeCloseTo(levels[2]! / levels[1]!, 9);
  });

  it("spaces levels linearly on a surface that goes negative", () => {
    expect(contourLevels([[-3, -1], [1, 5]], 3)).toEqual([-1, 1, 3]);
  });

  it("has no levels on a flat surface and rejects a bad count", () => {
    expect(contourLevels([[2, 2], [2, 2]], 4)).toEqual([]);
    expect(() => contourLevels([[0, 1]], 0)).toThrow(/n must be a positive integer, got 0/);
  });
});

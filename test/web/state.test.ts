import { describe, expect, test } from "vitest";
import { schemas } from "../../web/src/catalog.js";
import { decodeValue, defaultState, encodeValue, parseQuery, toQuery, type LabState } from "../../web/src/state.js";

describe("web lab state <-> URL", () => {
  test("the defaults make the shortest link", () => {
    expect(toQuery(defaultState(schemas.dlnn), schemas)).toBe("?exp=dlnn");
    expect(parseQuery("", schemas)).toEqual({ state: defaultState(schemas.dlnn), problems: [] });
  });

  test("changed options and the view round-trip through the query", () => {
    const s: LabState = defaultState(schemas.illusory);
    s.config = { ...s.config, lr: 50, gamma: 3.2e-13, itemName: "Parrot & co", feature: [1, 1, 1, -1, 1, 1, 1, 1] };
    s.view.epoch = 80;
    const q = toQuery(s, schemas);
    expect(q).toBe("?exp=illusory&gamma=3.2e-13&lr=50&itemName=Parrot%20%26%20co&feature=1,1,1,-1,1,1,1,1&epoch=80");
    expect(parseQuery(q, schemas)).toEqual({ state: s, problems: [] });
  });

  test("choice lists round-trip", () => {
    const s = defaultState(schemas.optimizers);
    s.config = { ...s.config, optimizers: ["gd", "adam"], start: [-1.5, 2] };
    const q = toQuery(s, schemas);
    expect(q).toContain("optimizers=gd,adam");
    expect(parseQuery(q, schemas).state).toEqual(s);
  });

  test("bad links open a page and say what was dropped", () => {
    const unknownExp = parseQuery("?exp=nope&lr=5", schemas);
    expect(unknownExp.state.experiment).toBe("dlnn");
    expect(unknownExp.state.config.lr).toBe(5);
    expect(unknownExp.problems[0]).toMatch(/unknown experiment "nope"/);

    const bad = parseQuery("?exp=dlnn&lr=abc&gamma=100&epochs=2.5&foo=1&epoch=-3&hidden=8", schemas);
    expect(bad.state.config).toEqual({ ...schemas.dlnn.defaults, hidden: 8 });
    expect(bad.state.view).toEqual({});
    expect(bad.problems).toHaveLength(5);
    expect(bad.problems.join("\n")).toMatch(/"lr" must be a number, got "abc"/);
    expect(bad.problems.join("\n")).toMatch(/gamma.*<= 10.*using the default 1e-12/);
    expect(bad.problems.join("\n")).toMatch(/"epochs" must be a whole number/);
    expect(bad.problems.join("\n")).toMatch(/unknown option "foo"/);
    expect(bad.problems.join("\n")).toMatch(/"epoch" must be a whole number >= 0/);
  });

  test("options valid alone but not together fall back to the defaults", () => {
    const r = parseQuery("?exp=dlnn&nLevels=6&nBranches=3&lr=7", schemas);
    expect(r.state.config).toEqual(schemas.dlnn.defaults);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/nBranches.*nLevels.*using the defaults/);
  });

  test("values are read by their option's type", () => {
    const spec = (type: string) => ({ name: "x", type, default: 0, description: "" }) as never;
    expect(decodeValue(spec("number"), "1e-12")).toBe(1e-12);
    expect(decodeValue(spec("integer"), "30")).toBe(30);
    expect(() => decodeValue(spec("integer"), "3.5")).toThrow(/"x" must be a whole number, got "3.5"/);
    expect(() => decodeValue(spec("number"), "")).toThrow(/must be a number/);
    expect(decodeValue(spec("boolean"), "false")).toBe(false);
    expect(() => decodeValue(spec("boolean"), "yes")).toThrow(/true or false/);
    expect(decodeValue(spec("numberArray"), "-1, 0.5,2")).toEqual([-1, 0.5, 2]);
    expect(() => decodeValue(spec("numberArray"), "1,,2")).toThrow(/comma-separated list of numbers/);
    expect(decodeValue(spec("choiceArray"), "gd, adam")).toEqual(["gd", "adam"]);
    expect(decodeValue(spec("string"), "Shark")).toBe("Shark");
    expect(encodeValue([1e-12, 3])).toBe("1e-12,3");
  });
});

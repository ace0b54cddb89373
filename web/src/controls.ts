/**
 * The control panel of an experiment, built from its option schema: a slider with a number
 * box for numbers (logarithmic where the option asks for it), a switch for booleans, a menu
 * for choices, boxes for a list of choices and a text box for the rest. Controls report a
 * change when the user lets go (the tutorial's continuous_update=False), never while dragging.
 */
import type { ExperimentId, OptionSpec, OptionValue } from "../../src/lab/types.js";
import { optionLabel, sliderRange, type SliderRange } from "./catalog.js";
import { h } from "./dom.js";
import { formatNumber } from "./format.js";
import { decodeValue, encodeValue } from "./state.js";

/** Called with an option's new value after the user changed it. */
export type ChangeHandler = (name: string, value: OptionValue) => void;

/** One control: its element, how to show a value in it and how to flag a bad value. */
interface Control {
  element: HTMLElement;
  set(value: OptionValue): void;
  setError(message: string | null): void;
}

/**
 * The control panel: `element` to place, `set` to show a config (after a preset, a reset or
 * the browser's back button), `setError` to flag a value the experiment rejected.
 */
export class ControlPanel {
  readonly element: HTMLElement;
  private readonly controls = new Map<string, Control>();

  constructor(experiment: ExperimentId, options: readonly OptionSpec[], primary: readonly string[], config: Readonly<Record<string, OptionValue>>, onChange: ChangeHandler) {
    for (const spec of options) this.controls.set(spec.name, buildControl(experiment, spec, onChange));
    const main = h("div", { class: "controls-primary" });
    for (const name of primary) {
      const c = this.controls.get(name);
      if (c) main.append(c.element);
    }
    const groups = new Map<string, HTMLElement[]>();
    for (const spec of options) {
      if (primary.includes(spec.name)) continue;
      const group = spec.group ?? "other";
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group)!.push(this.controls.get(spec.name)!.element);
    }
    const more = [...groups].map(([group, elements]) => h("details", { class: "control-group" }, h("summary", {}, capitalise(group)), ...elements));
    this.element = h("div", { class: "controls" }, main, ...more);
    this.set(config);
  }

  /** Shows every value of `config` in its control and clears the error marks. */
  set(config: Readonly<Record<string, OptionValue>>): void {
    for (const [name, control] of this.controls) {
      const v = config[name];
      if (v !== undefined) control.set(v);
      control.setError(null);
    }
  }

  /** Marks a control as holding a value the experiment rejected (null clears the mark). */
  setError(name: string, message: string | null): void {
    const control = this.controls.get(name);
    control?.setError(message);
    if (message !== null && control) (control.element.closest("details") as HTMLDetailsElement | null)?.setAttribute("open", "");
  }

  /** Clears every error mark. */
  clearErrors(): void {
    for (const c of this.controls.values()) c.setError(null);
  }
}

function buildControl(experiment: ExperimentId, spec: OptionSpec, onChange: ChangeHandler): Control {
  const id = `opt-${spec.name}`;
  const error = h("p", { class: "control-error", role: "alert", hidden: "" });
  const label = h("label", { for: id }, h("span", { class: "control-label" }, optionLabel(spec.name)), h("code", {}, spec.name));
  const help = h("p", { class: "control-help" }, spec.description);
  const element = h("div", { class: "control", "data-option": spec.name });
  const setError = (message: string | null): void => {
    error.textContent = message ?? "";
    error.hidden = message === null;
    element.classList.toggle("invalid", message !== null);
  };
  let input: HTMLElement;
  let set: (value: OptionValue) => void;
  switch (spec.type) {
    case "boolean": {
      const box = h("input", { type: "checkbox", id }) as HTMLInputElement;
      box.addEventListener("change", () => onChange(spec.name, box.checked));
      set = (v) => { box.checked = v === true; };
      input = h("div", { class: "control-row" }, box);
      break;
    }
    case "choice": {
      const select = h("select", { id }, ...(spec.choices ?? []).map((c) => h("option", { value: c }, c))) as HTMLSelectElement;
      select.addEventListener("change", () => onChange(spec.name, select.value));
      set = (v) => { select.value = String(v); };
      input = h("div", { class: "control-row" }, select);
      break;
    }
    case "choiceArray": {
      const boxes = (spec.choices ?? []).map((c) => h("input", { type: "checkbox", value: c, id: `${id}-${c}` }) as HTMLInputElement);
      const changed = (): void => onChange(spec.name, boxes.filter((b) => b.checked).map((b) => b.value));
      for (const b of boxes) b.addEventListener("change", changed);
      set = (v) => { const on = new Set(v as string[]); for (const b of boxes) b.checked = on.has(b.value); };
      input = h("div", { class: "control-choices", id }, ...boxes.map((b) => h("label", { class: "choice" }, b, ` ${b.value}`)));
      break;
    }
    case "number":
    case "integer": {
      const range = sliderRange(experiment, spec);
      const box = h("input", { type: "text", id, inputmode: "decimal", class: "control-number", spellcheck: "false", autocomplete: "off" }) as HTMLInputElement;
      const commitBox = (): void => {
        try {
          onChange(spec.name, decodeValue(spec, box.value.trim()));
        } catch (err) {
          setError(err instanceof Error ? err.message : String(err));
        }
      };
      box.addEventListener("change", commitBox);
      box.addEventListener("keydown", (e) => { if (e.key === "Enter") commitBox(); });
      if (range === null) {
        set = (v) => { box.value = formatNumber(v as number); };
        input = h("div", { class: "control-row" }, box);
        break;
      }
      const slider = h("input", {
        type: "range", id: `${id}-slider`, "aria-label": `${optionLabel(spec.name)} slider`,
        min: String(position(range, range.min)), max: String(position(range, range.max)), step: String(sliderStep(range)),
      }) as HTMLInputElement;
      // While dragging only the number box follows; the run restarts when the slider is let go.
      slider.addEventListener("input", () => { box.value = formatNumber(fromPosition(range, spec, Number(slider.value))); });
      slider.addEventListener("change", () => onChange(spec.name, fromPosition(range, spec, Number(slider.value))));
      set = (v) => {
        box.value = formatNumber(v as number);
        slider.value = String(position(range, Math.min(range.max, Math.max(range.min, v as number))));
      };
      input = h("div", { class: "control-row" }, slider, box);
      element.classList.add("has-slider");
      break;
    }
    default: {
      // string and numberArray: a text box, committed on change or Enter.
      const box = h("input", { type: "text", id, spellcheck: "false", autocomplete: "off" }) as HTMLInputElement;
      const commit = (): void => {
        try {
          onChange(spec.name, decodeValue(spec, box.value));
        } catch (err) {
          setError(err instanceof Error ? err.message : String(err));
        }
      };
      box.addEventListener("change", commit);
      box.addEventListener("keydown", (e) => { if (e.key === "Enter") commit(); });
      set = (v) => { box.value = encodeValue(v); };
      input = h("div", { class: "control-row" }, box);
      break;
    }
  }
  element.append(label, input, error, help);
  return { element, set, setError };
}

/** The slider position of a value (its base-10 exponent on a log slider). */
function position(range: SliderRange, value: number): number {
  return range.log ? Math.log10(value) : value;
}

/** Slider step: quarter decades on log sliders, the option's step otherwise ("any" when none). */
function sliderStep(range: SliderRange): number | "any" {
  return range.log ? 0.25 : range.step ?? "any";
}

/** The value at a slider position, rounded so the URL and the box show short numbers. */
function fromPosition(range: SliderRange, spec: OptionSpec, pos: number): number {
  if (range.log) return Number((10 ** pos).toPrecision(2));
  if (spec.type === "integer") return Math.round(pos);
  const step = range.step;
  if (step === undefined) return pos;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number((Math.round(pos / step) * step).toFixed(decimals));
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

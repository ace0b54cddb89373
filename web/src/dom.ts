/**
 * A tiny element builder for the lab's DOM: h("p", { class: "x" }, "text", child).
 * Attributes with the value "" are set as boolean attributes (hidden, open, checked).
 */

/** A child of an element: a node, a text, or nothing. */
export type Child = Node | string | null | undefined | false;

/**
 * Creates an element with attributes and children (strings become text nodes).
 * @example document.body.append(h("p", { class: "note" }, "Hello ", h("b", {}, "world")))
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string>> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return el;
}

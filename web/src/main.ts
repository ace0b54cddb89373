/**
 * Entry of the web lab: starts the app on the page's nav and app elements, with training in
 * a module Web Worker (Vite bundles src/lab into it).
 */
import { LabApp } from "./app.js";
import { checkReservedKeys } from "./catalog.js";
import "./style.css";

checkReservedKeys();
const nav = document.getElementById("nav");
const app = document.getElementById("app");
if (!nav || !app) throw new Error("web lab: index.html must have #nav and #app elements");
new LabApp(nav, app, () => new Worker(new URL("./worker.ts", import.meta.url), { type: "module" })).start();

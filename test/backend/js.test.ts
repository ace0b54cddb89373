// The pure-TypeScript backend against the conformance suite.
import { jsBackend } from "../../src/backend/js/index.js";
import { runConformance } from "./conformance.js";

runConformance(jsBackend);

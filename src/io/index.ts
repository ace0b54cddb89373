export { serialize, deserialize, save, load, loadWithMetadata } from "./safetensors.js";
export type { StateDict } from "./safetensors.js";

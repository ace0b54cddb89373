export { makeRegression, makeBlobs, makeMoons, makeClassification } from "./synthetic.js";
export type { RegressionOptions, BlobsOptions, ClassificationOptions } from "./synthetic.js";
export { hierarchicalTree, TREE_ITEMS } from "./tree.js";
export type { TreeOptions } from "./tree.js";
export { digits, mnist } from "./images.js";

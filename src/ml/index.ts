// gl.ml: classical machine learning after scikit-learn: `new Estimator(options)`, `fit(X, y)`,
// `predict`, `score` and fitted attributes, on gradlab tensors or plain arrays.
export { NotFittedError } from "./estimator.js";
export type { SeedOptions } from "./estimator.js";
export type { MatrixLike, VectorLike, TargetLike } from "./matrix.js";

// Linear models.
export { LinearRegression, Ridge, Lasso } from "./linear.js";
export type { LinearOptions, RidgeOptions, LassoOptions } from "./linear.js";
export { LogisticRegression } from "./logistic.js";
export type { LogisticRegressionOptions } from "./logistic.js";
export { RandomFeaturesRegressor } from "./random_features.js";
export type { RandomFeaturesOptions } from "./random_features.js";

// Neighbours, kernels, trees.
export { KNeighborsClassifier, KNeighborsRegressor } from "./neighbors.js";
export type { KNeighborsOptions, KNeighborsResult, NeighborsMetric } from "./neighbors.js";
export { SVC } from "./svm.js";
export type { SVCOptions, SVCKernel } from "./svm.js";
export { DecisionTreeClassifier, DecisionTreeRegressor } from "./tree.js";
export type { DecisionTreeClassifierOptions, DecisionTreeRegressorOptions, TreeOptions, TreeStructure, TreeCriterion, MaxFeatures } from "./tree.js";
export { RandomForestClassifier, RandomForestRegressor } from "./forest.js";
export type { RandomForestOptions, RandomForestClassifierOptions, RandomForestRegressorOptions } from "./forest.js";

// Unsupervised: clustering, mixtures, decomposition.
export { KMeans } from "./kmeans.js";
export type { KMeansOptions } from "./kmeans.js";
export { GaussianMixture } from "./mixture.js";
export type { GaussianMixtureOptions } from "./mixture.js";
export { PCA } from "./pca.js";
export type { PCAOptions } from "./pca.js";

// Preprocessing, splitting, metrics.
export { StandardScaler } from "./preprocessing.js";
export type { StandardScalerOptions } from "./preprocessing.js";
export { trainTestSplit } from "./model_selection.js";
export type { TrainTestSplit } from "./model_selection.js";
export {
  accuracyScore, confusionMatrix, precisionScore, recallScore, f1Score, precisionRecallFscoreSupport,
  r2Score, meanSquaredError, meanAbsoluteError,
} from "./metrics.js";
export type { Average, PrfOptions, PrfResult } from "./metrics.js";

// stats: classical statistics beside the deep learning, in float64, on arrays or tensors.
//
// - Descriptive: mean, variance / std (sample by default, ddof: 0 for population),
//   skewness, kurtosis, quantile / median (numpy's methods), zscore, cov, corr; each with
//   an axis for matrices and a nanPolicy ("raise" | "omit" | "propagate").
// - Distributions: Normal, StudentT, ChiSquared, FisherF with pdf, logPdf, cdf, sf,
//   quantile, isf (scipy.stats' methods); special: log-gamma, log-beta, incomplete gamma
//   and beta.
// - Models, with statsmodels' inference and printed summaries: ols, logit, vif, and the
//   scikit-learn-style OLS / Logit estimators. Data come three ways:
//     stats.ols(frame, "y ~ x1 + C(group)", { missing: "drop" })   // patsy names
//     stats.ols({ y, X: { x1, group: stats.categorical(g) } })       // pandas get_dummies names
//     stats.ols(y, X, { names: ["a", "b"] })                         // X a matrix or tensor
//   Categorical columns (strings, C(...), stats.categorical) become drop-first dummies.
//   Missing values are an error unless missing is "drop" or { impute: "mean" | "median" |
//   "mode" | { constant } } (one rule, or one per column); the result's `missing` report
//   says what was done. Singular designs and separated logit data are errors naming the
//   columns.
// - simpsonParadox with the kidneyStones preset: rates within strata and pooled, and a report.
import * as special from "./special/index.js";

export { mean, variance, std, skewness, kurtosis } from "./moments.js";
export type { VarianceOptions, ShapeOptions, KurtosisOptions } from "./moments.js";
export { quantile, median } from "./quantile.js";
export type { QuantileMethod, QuantileOptions } from "./quantile.js";
export { zscore } from "./zscore.js";
export type { ZscoreOptions, ZscoreOutput } from "./zscore.js";
export { cov, corr } from "./covariance.js";
export type { CovOptions } from "./covariance.js";
export type { ArrayInput, NanPolicy, Axis, ReduceOptions } from "./input.js";

export { ContinuousDistribution } from "./distributions/distribution.js";
export type { DistributionInput, DistributionOutput } from "./distributions/distribution.js";
export { Normal } from "./distributions/normal.js";
export { StudentT } from "./distributions/student_t.js";
export { ChiSquared } from "./distributions/chi_squared.js";
export { FisherF } from "./distributions/fisher_f.js";

export { durbinWatson, jarqueBera, normalTest } from "./residual_tests.js";
export type { TestResult, JarqueBeraResult } from "./residual_tests.js";

export { categorical, Categorical } from "./frame/categorical.js";
export type { Level, CategoricalOptions } from "./frame/categorical.js";
export type { ColumnInput, Frame } from "./frame/columns.js";
export { MissingReport } from "./frame/missing.js";
export type { ImputeRule, MissingPolicy, ImputedColumn } from "./frame/missing.js";
export type { ModelOptions, PredictorsInput, VectorInput } from "./frame/model_data.js";
export { ols, OLSResult } from "./models/ols.js";
export type { SummaryOptions, CoefficientRow } from "./models/coefficients.js";
export { logit, LogitResult, SeparationError } from "./models/logit.js";
export type { LogitOptions } from "./models/logit.js";
export { vif, VifResult } from "./models/vif.js";
export { CollinearityError } from "./models/least_squares.js";
export { OLS, Logit } from "./models/estimators.js";

export { simpsonParadox, SimpsonReport, kidneyStones } from "./simpson.js";
export type { SimpsonData, SimpsonOptions, Rate, RateCount } from "./simpson.js";

export { special };

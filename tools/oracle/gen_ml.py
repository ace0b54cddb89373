#!/usr/bin/env python3
"""Writes test/fixtures/ml/*.json: scikit-learn's results for the classical-ML estimators in
src/ml/, replayed by test/ml/*.test.ts (the tests never need Python).

Run: /usr/bin/python3 tools/oracle/gen_ml.py  (scikit-learn 1.2.1, numpy 1.24.2, Python 3.11;
each file's header records the versions). Everything is seeded, so reruns give the same files.

Format
- datasets.json: {"datasets": {name: {"X": {data, shape}, "y": {data, shape}, "train": [...],
  "test": [...], "task", "source"}}}. X is flat row-major; train/test are sorted row indices
  of one fixed split (train_test_split(test_size=0.25, random_state=0), stratified for
  classification). Sets: scikit-learn's shipped iris, wine, breast_cancer, digits, diabetes,
  and seeded make_blobs / make_moons / make_regression / make_classification.
- every other file: {"tolerance", "measure", "cases": [...]}; a case names its "dataset",
  whether the test standardises the split first ("standardize": StandardScaler fitted on
  the training rows, in both libraries), gradlab's constructor "options" (camelCase, passed
  as is), and scikit-learn's fitted attributes / predictions / scores under gradlab's names,
  each array as {data, shape}.
- Choices: logistic regression is fitted with newton-cg at tol 1e-8 (the optimum of the
  default objective; gradMaxAbs records the gradient there); k-NN with algorithm="brute";
  PCA with svd_solver="full"; trees and forests store scores for random_state 0..9 (tie
  breaks between equal splits depend on the seed); k-means and Gaussian mixtures store
  both given-init runs (deterministic) and seeded k-means++ / kmeans-init runs.
"""
import json
import os
import platform
import warnings

import numpy as np
import sklearn
from sklearn import datasets as skd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score, mean_absolute_error,
                             mean_squared_error, precision_score, r2_score, recall_score)
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

warnings.filterwarnings("ignore", category=FutureWarning)
# newton-cg at tol 1e-8 may report that its line search cannot improve further: it is at
# the optimum to rounding (each logistic case records the gradient it reached, gradMaxAbs).
warnings.filterwarnings("ignore", message="The line search algorithm did not converge")
warnings.filterwarnings("ignore", message="Line Search failed")
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "ml")
HEADER = {
    "generator": "tools/oracle/gen_ml.py",
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "python": platform.python_version(),
}


def arr(a):
    """A numpy array as {data, shape} with float64 values (repr round-trips exactly)."""
    a = np.asarray(a)
    if a.dtype == bool:
        return {"data": a.astype(int).ravel().tolist(), "shape": list(a.shape)}
    if np.issubdtype(a.dtype, np.integer):
        return {"data": [int(v) for v in a.ravel()], "shape": list(a.shape)}
    return {"data": [float(v) for v in a.ravel()], "shape": list(a.shape)}


def write(name, body):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        json.dump({**HEADER, **body}, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


# ---------------------------------------------------------------- datasets and splits
DATA = {}


def add(name, X, y, task, source, stratify=True, test_size=0.25, seed=0):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    idx = np.arange(len(y))
    train, test = train_test_split(idx, test_size=test_size, random_state=seed,
                                   stratify=y if (task == "classification" and stratify) else None)
    DATA[name] = {"X": X, "y": y, "train": np.sort(train), "test": np.sort(test), "task": task, "source": source}


add("iris", *skd.load_iris(return_X_y=True), "classification", "sklearn.datasets.load_iris")
add("wine", *skd.load_wine(return_X_y=True), "classification", "sklearn.datasets.load_wine")
add("breast_cancer", *skd.load_breast_cancer(return_X_y=True), "classification", "sklearn.datasets.load_breast_cancer")
add("digits", *skd.load_digits(return_X_y=True), "classification", "sklearn.datasets.load_digits")
add("diabetes", *skd.load_diabetes(return_X_y=True), "regression", "sklearn.datasets.load_diabetes")
Xb, yb = skd.make_blobs(n_samples=300, centers=4, cluster_std=1.0, random_state=1)
add("blobs", Xb, yb, "classification", "make_blobs(n_samples=300, centers=4, cluster_std=1.0, random_state=1)")
Xm, ym = skd.make_moons(n_samples=200, noise=0.25, random_state=2)
add("moons", Xm, ym, "classification", "make_moons(n_samples=200, noise=0.25, random_state=2)")
Xr, yr = skd.make_regression(n_samples=200, n_features=8, n_informative=5, noise=5.0, random_state=3)
add("regression", Xr, yr, "regression", "make_regression(n_samples=200, n_features=8, n_informative=5, noise=5.0, random_state=3)")
Xc, yc = skd.make_classification(n_samples=400, n_features=10, n_informative=5, n_redundant=2, n_classes=3, random_state=4)
add("classification", Xc, yc, "classification", "make_classification(n_samples=400, n_features=10, n_informative=5, n_redundant=2, n_classes=3, random_state=4)")

write("datasets", {
    "note": "X [n, d] and y [n] per dataset; train/test are sorted row indices of one fixed split "
            "(train_test_split(test_size=0.25, random_state=0), stratified for classification)",
    "datasets": {k: {"X": arr(v["X"]), "y": arr(v["y"]), "train": v["train"].tolist(), "test": v["test"].tolist(),
                     "task": v["task"], "source": v["source"]} for k, v in DATA.items()},
})


def split(name, scale=False):
    d = DATA[name]
    Xtr, Xte, ytr, yte = d["X"][d["train"]], d["X"][d["test"]], d["y"][d["train"]], d["y"][d["test"]]
    if scale:
        s = StandardScaler().fit(Xtr)
        Xtr, Xte = s.transform(Xtr), s.transform(Xte)
    return Xtr, Xte, ytr, yte


# ---------------------------------------------------------------- linear models
cases = []
for name, ds, opts, model in [
    ("linreg_diabetes", "diabetes", {}, LinearRegression()),
    ("linreg_regression_nointercept", "regression", {"fitIntercept": False}, LinearRegression(fit_intercept=False)),
    ("ridge_diabetes_a1", "diabetes", {"alpha": 1.0}, Ridge(alpha=1.0)),
    ("ridge_diabetes_a0.01", "diabetes", {"alpha": 0.01}, Ridge(alpha=0.01)),
    ("ridge_regression_a10_nointercept", "regression", {"alpha": 10.0, "fitIntercept": False}, Ridge(alpha=10.0, fit_intercept=False)),
    ("lasso_diabetes_a0.1", "diabetes", {"alpha": 0.1}, Lasso(alpha=0.1)),
    ("lasso_diabetes_a0.01_tight", "diabetes", {"alpha": 0.01, "tol": 1e-8, "maxIter": 100000}, Lasso(alpha=0.01, tol=1e-8, max_iter=100000)),
    ("lasso_regression_a1", "regression", {"alpha": 1.0}, Lasso(alpha=1.0)),
    ("lasso_regression_a5_nointercept", "regression", {"alpha": 5.0, "fitIntercept": False}, Lasso(alpha=5.0, fit_intercept=False)),
]:
    Xtr, Xte, ytr, yte = split(ds)
    model.fit(Xtr, ytr)
    c = {"name": name, "dataset": ds, "estimator": type(model).__name__, "options": opts,
         "coef": arr(model.coef_), "intercept": float(model.intercept_),
         "predictTest": arr(model.predict(Xte)), "scoreTest": float(model.score(Xte, yte))}
    if hasattr(model, "n_iter_") and model.n_iter_ is not None:
        c["nIter"] = int(model.n_iter_)
    cases.append(c)
# Two targets at once: y is [n, 2] (the target and its square root of |.|).
Xtr, Xte, ytr, yte = split("diabetes")
Y2tr = np.stack([ytr, np.sqrt(ytr)], axis=1)
m = Ridge(alpha=0.5).fit(Xtr, Y2tr)
cases.append({"name": "ridge_diabetes_two_targets", "dataset": "diabetes", "estimator": "Ridge", "options": {"alpha": 0.5},
              "targets": "y and sqrt(y)", "coef": arr(m.coef_), "intercept": arr(m.intercept_), "predictTest": arr(m.predict(Xte))})
write("linear", {"tolerance": 1e-4, "measure": "|ours - sklearn| <= tol * max(1, |sklearn|)", "cases": cases})

# ---------------------------------------------------------------- logistic regression
cases = []
for name, ds, scale, opts in [
    ("logreg_breast_cancer_C1", "breast_cancer", True, {"C": 1.0}),
    ("logreg_breast_cancer_C0.05", "breast_cancer", True, {"C": 0.05}),
    ("logreg_iris_multinomial", "iris", False, {"C": 1.0}),
    ("logreg_wine_multinomial_C0.3", "wine", True, {"C": 0.3}),
    ("logreg_classification_nointercept", "classification", False, {"C": 2.0, "fitIntercept": False}),
    ("logreg_moons_binary", "moons", False, {"C": 10.0}),
]:
    Xtr, Xte, ytr, yte = split(ds, scale)
    kw = {"C": opts["C"], "fit_intercept": opts.get("fitIntercept", True)}
    # newton-cg at tol 1e-8 reaches the optimum of the same objective as the default lbfgs
    # (which stops at tol=1e-4, ftol=2.2e-9, short of it); gradMaxAbs records how close.
    m = LogisticRegression(solver="newton-cg", tol=1e-8, max_iter=1000, **kw).fit(Xtr, ytr)
    Z = m.decision_function(Xtr)
    if Z.ndim == 1:
        R = (1 / (1 + np.exp(-Z)) - (ytr == m.classes_[1]))[:, None]
    else:
        P = np.exp(Z - Z.max(1, keepdims=True))
        R = P / P.sum(1, keepdims=True) - (ytr[:, None] == m.classes_[None, :])
    grad = kw["C"] * R.T @ Xtr + m.coef_
    gmax = max(np.abs(grad).max(), np.abs(kw["C"] * R.sum(0)).max() if kw["fit_intercept"] else 0.0)
    cases.append({"name": name, "dataset": ds, "standardize": scale, "options": opts,
                  "classes": arr(m.classes_), "coef": arr(m.coef_), "intercept": arr(m.intercept_),
                  "predictTest": arr(m.predict(Xte)), "probaTest": arr(m.predict_proba(Xte)),
                  "decisionTest": arr(m.decision_function(Xte)), "scoreTest": float(m.score(Xte, yte)), "gradMaxAbs": float(gmax)})
write("logistic", {"tolerance": 1e-4, "measure": "|ours - sklearn| <= tol * max(1, |sklearn|)",
                   "note": "sklearn fitted with solver='newton-cg', tol=1e-8 (the optimum of the default objective C*sum(logloss) + ||w||^2/2)",
                   "cases": cases})

# ---------------------------------------------------------------- k nearest neighbours
cases = []
for name, ds, scale, opts, kw in [
    ("knn_iris_k5", "iris", False, {}, {}),
    ("knn_iris_k7_distance", "iris", False, {"nNeighbors": 7, "weights": "distance"}, {"n_neighbors": 7, "weights": "distance"}),
    ("knn_wine_manhattan_scaled", "wine", True, {"nNeighbors": 4, "metric": "manhattan"}, {"n_neighbors": 4, "metric": "manhattan"}),
    ("knn_breast_cancer_minkowski3", "breast_cancer", True, {"nNeighbors": 6, "p": 3}, {"n_neighbors": 6, "p": 3}),
    ("knn_digits_k3", "digits", False, {"nNeighbors": 3}, {"n_neighbors": 3}),
    ("knn_digits_k4_distance_cosine", "digits", False, {"nNeighbors": 4, "metric": "cosine", "weights": "distance"},
     {"n_neighbors": 4, "metric": "cosine", "weights": "distance"}),
    ("knn_classification_k1", "classification", False, {"nNeighbors": 1}, {"n_neighbors": 1}),
    ("knn_blobs_k10_distance", "blobs", False, {"nNeighbors": 10, "weights": "distance", "metric": "euclidean"},
     {"n_neighbors": 10, "weights": "distance", "metric": "euclidean"}),
]:
    Xtr, Xte, ytr, yte = split(ds, scale)
    m = KNeighborsClassifier(algorithm="brute", **kw).fit(Xtr, ytr)
    dist, ind = m.kneighbors(Xte[:10])
    cases.append({"name": name, "dataset": ds, "standardize": scale, "estimator": "KNeighborsClassifier", "options": opts,
                  "predictTest": arr(m.predict(Xte)), "probaTest": arr(m.predict_proba(Xte)),
                  "scoreTest": float(m.score(Xte, yte)), "kneighborsDist": arr(dist), "kneighborsInd": arr(ind)})
for name, ds, opts, kw in [
    ("knnreg_diabetes_k5", "diabetes", {}, {}),
    ("knnreg_diabetes_k9_distance_manhattan", "diabetes", {"nNeighbors": 9, "weights": "distance", "metric": "manhattan"},
     {"n_neighbors": 9, "weights": "distance", "metric": "manhattan"}),
    ("knnreg_regression_k3_minkowski1.5", "regression", {"nNeighbors": 3, "p": 1.5}, {"n_neighbors": 3, "p": 1.5}),
]:
    Xtr, Xte, ytr, yte = split(ds)
    m = KNeighborsRegressor(algorithm="brute", **kw).fit(Xtr, ytr)
    dist, ind = m.kneighbors(Xte[:10])
    cases.append({"name": name, "dataset": ds, "standardize": False, "estimator": "KNeighborsRegressor", "options": opts,
                  "predictTest": arr(m.predict(Xte)), "scoreTest": float(m.score(Xte, yte)),
                  "kneighborsDist": arr(dist), "kneighborsInd": arr(ind)})
write("neighbors", {"tolerance": 1e-10, "note": "algorithm='brute'; predictions must be identical", "cases": cases})

# ---------------------------------------------------------------- support vector machines
cases = []
for name, ds, scale, opts, kw in [
    ("svc_breast_cancer_rbf", "breast_cancer", True, {}, {}),
    ("svc_breast_cancer_linear_C0.1", "breast_cancer", True, {"kernel": "linear", "C": 0.1}, {"kernel": "linear", "C": 0.1}),
    ("svc_iris_linear", "iris", False, {"kernel": "linear"}, {"kernel": "linear"}),
    ("svc_wine_poly3", "wine", True, {"kernel": "poly", "degree": 3, "coef0": 1.0, "gamma": 0.1},
     {"kernel": "poly", "degree": 3, "coef0": 1.0, "gamma": 0.1}),
    ("svc_digits_rbf", "digits", False, {}, {}),
    ("svc_moons_rbf_C10_gamma2", "moons", False, {"C": 10.0, "gamma": 2.0}, {"C": 10.0, "gamma": 2.0}),
    ("svc_classification_rbf_C3", "classification", True, {"C": 3.0}, {"C": 3.0}),
]:
    Xtr, Xte, ytr, yte = split(ds, scale)
    m = SVC(**kw).fit(Xtr, ytr)
    c = {"name": name, "dataset": ds, "standardize": scale, "options": opts,
         "predictTest": arr(m.predict(Xte)), "scoreTest": float(m.score(Xte, yte)),
         "nSupport": arr(m.n_support_), "intercept": arr(m.intercept_)}
    if len(m.classes_) == 2:
        c["decisionTest"] = arr(m.decision_function(Xte))
    cases.append(c)
write("svm", {"tolerance": 0.02, "measure": "test accuracy within tolerance (absolute) of sklearn's", "cases": cases})

# ---------------------------------------------------------------- trees and forests
# Ties between equally good splits are broken by each fit's random feature order, so one
# seed's test accuracy is partly luck (sklearn's own spread over random_state reaches
# 11 points on wine). The fixture keeps sklearn's scores for random_state 0..9; the tests
# compare means over seeds, and the tie-independent structure (depth, leaves, train score).
cases = []
SEEDS = 10
for name, ds, est, opts, make in [
    ("tree_iris_gini", "iris", "DecisionTreeClassifier", {}, lambda r: DecisionTreeClassifier(random_state=r)),
    ("tree_wine_entropy", "wine", "DecisionTreeClassifier", {"criterion": "entropy"}, lambda r: DecisionTreeClassifier(criterion="entropy", random_state=r)),
    ("tree_breast_cancer_depth3", "breast_cancer", "DecisionTreeClassifier", {"maxDepth": 3}, lambda r: DecisionTreeClassifier(max_depth=3, random_state=r)),
    ("tree_digits_leaf3_split10", "digits", "DecisionTreeClassifier", {"minSamplesLeaf": 3, "minSamplesSplit": 10},
     lambda r: DecisionTreeClassifier(min_samples_leaf=3, min_samples_split=10, random_state=r)),
    ("tree_moons_depth5", "moons", "DecisionTreeClassifier", {"maxDepth": 5}, lambda r: DecisionTreeClassifier(max_depth=5, random_state=r)),
    ("treereg_diabetes_depth4", "diabetes", "DecisionTreeRegressor", {"maxDepth": 4}, lambda r: DecisionTreeRegressor(max_depth=4, random_state=r)),
    ("treereg_regression_leaf5", "regression", "DecisionTreeRegressor", {"minSamplesLeaf": 5}, lambda r: DecisionTreeRegressor(min_samples_leaf=5, random_state=r)),
    ("forest_breast_cancer", "breast_cancer", "RandomForestClassifier", {"nEstimators": 100}, lambda r: RandomForestClassifier(n_estimators=100, random_state=r)),
    ("forest_wine", "wine", "RandomForestClassifier", {"nEstimators": 100}, lambda r: RandomForestClassifier(n_estimators=100, random_state=r)),
    ("forest_digits_30", "digits", "RandomForestClassifier", {"nEstimators": 30}, lambda r: RandomForestClassifier(n_estimators=30, random_state=r)),
    ("forest_classification_depth6_entropy", "classification", "RandomForestClassifier", {"nEstimators": 60, "maxDepth": 6, "criterion": "entropy"},
     lambda r: RandomForestClassifier(n_estimators=60, max_depth=6, criterion="entropy", random_state=r)),
    ("forestreg_diabetes", "diabetes", "RandomForestRegressor", {"nEstimators": 50}, lambda r: RandomForestRegressor(n_estimators=50, random_state=r)),
]:
    Xtr, Xte, ytr, yte = split(ds)
    fits = [make(r).fit(Xtr, ytr) for r in range(SEEDS)]
    c = {"name": name, "dataset": ds, "estimator": est, "options": opts,
         "scoreTestSeeds": [float(m.score(Xte, yte)) for m in fits], "scoreTrainSeeds": [float(m.score(Xtr, ytr)) for m in fits]}
    c["scoreTestMean"] = float(np.mean(c["scoreTestSeeds"]))
    if est.startswith("DecisionTree"):
        c["depthSeeds"] = [int(m.get_depth()) for m in fits]
        c["nLeavesSeeds"] = [int(m.get_n_leaves()) for m in fits]
    cases.append(c)
write("tree", {"tolerance": 0.02,
               "measure": "mean test score (accuracy; R^2 for regressors) over seeds within tol (absolute) of sklearn's mean over random_state 0..9",
               "cases": cases})

# ---------------------------------------------------------------- k-means
cases = []
for name, ds, k, init_rows, opts in [
    ("kmeans_blobs_init", "blobs", 4, [0, 1, 2, 3], {}),
    ("kmeans_iris_init", "iris", 3, [0, 50, 100], {}),
    ("kmeans_iris_k5_init", "iris", 5, [10, 20, 30, 40, 60], {"tol": 0.0}),
    ("kmeans_digits_init", "digits", 10, list(range(100, 110)), {}),
    ("kmeans_wine_init_maxiter3", "wine", 3, [0, 1, 2], {"maxIter": 3}),
]:
    X = DATA[ds]["X"]
    init = X[init_rows]
    kw = {"tol": opts.get("tol", 1e-4), "max_iter": opts.get("maxIter", 300)}
    m = KMeans(n_clusters=k, init=init, n_init=1, **kw).fit(X)
    cases.append({"name": name, "dataset": ds, "options": {"nClusters": k, **opts}, "initRows": init_rows,
                  "clusterCenters": arr(m.cluster_centers_), "labels": arr(m.labels_), "inertia": float(m.inertia_),
                  "nIter": int(m.n_iter_), "predictFirst20": arr(m.predict(X[:20])), "score": float(m.score(X))})
for name, ds, k in [("kmeanspp_blobs", "blobs", 4), ("kmeanspp_iris", "iris", 3)]:
    X = DATA[ds]["X"]
    m = KMeans(n_clusters=k, n_init=10, random_state=0).fit(X)
    cases.append({"name": name, "dataset": ds, "options": {"nClusters": k, "nInit": 10, "seed": 0}, "initRows": None,
                  "clusterCenters": arr(m.cluster_centers_), "inertia": float(m.inertia_)})
write("kmeans", {"tolerance": 1e-4, "measure": "|ours - sklearn| <= tol * max(1, |sklearn|); labels identical",
                 "note": "with init rows given, Lloyd's iterations must reproduce sklearn's; k-means++ runs compare the inertia",
                 "cases": cases})

# ---------------------------------------------------------------- Gaussian mixtures
cases = []
for name, ds, k, means_rows, opts in [
    ("gmm_blobs_init", "blobs", 4, [0, 1, 2, 3], {}),
    ("gmm_iris_init", "iris", 3, [0, 50, 100], {}),
    ("gmm_iris_init_tol1e-6", "iris", 2, [0, 100], {"tol": 1e-6, "maxIter": 500}),
    ("gmm_wine_init_reg", "wine", 3, [0, 60, 130], {"regCovar": 1e-3}),
]:
    d = DATA[ds]
    X = d["X"][d["train"]]
    Xte = d["X"][d["test"]]
    nf = X.shape[1]
    means0 = X[means_rows]
    weights0 = np.full(k, 1.0 / k)
    prec0 = np.stack([np.linalg.inv(np.cov(X.T) + 1e-3 * np.eye(nf))] * k)
    kw = {"tol": opts.get("tol", 1e-3), "max_iter": opts.get("maxIter", 100), "reg_covar": opts.get("regCovar", 1e-6)}
    m = GaussianMixture(n_components=k, covariance_type="full", weights_init=weights0, means_init=means0,
                        precisions_init=prec0, random_state=0, **kw).fit(X)
    cases.append({"name": name, "dataset": ds, "options": {"nComponents": k, **opts},
                  "meansInitRows": means_rows, "weightsInit": arr(weights0), "precisionsInit": arr(prec0),
                  "weights": arr(m.weights_), "means": arr(m.means_), "covariances": arr(m.covariances_),
                  "lowerBound": float(m.lower_bound_), "nIter": int(m.n_iter_), "converged": bool(m.converged_),
                  "scoreTest": float(m.score(Xte)), "predictTest": arr(m.predict(Xte)), "probaTest": arr(m.predict_proba(Xte)),
                  "scoreSamplesTest": arr(m.score_samples(Xte))})
for name, ds, k in [("gmm_blobs_kmeans", "blobs", 4), ("gmm_moons_kmeans", "moons", 3)]:
    d = DATA[ds]
    X = d["X"][d["train"]]
    m = GaussianMixture(n_components=k, random_state=0).fit(X)
    cases.append({"name": name, "dataset": ds, "options": {"nComponents": k, "seed": 0},
                  "lowerBound": float(m.lower_bound_), "scoreTest": float(m.score(d["X"][d["test"]]))})
write("mixture", {"tolerance": 1e-4, "measure": "|ours - sklearn| <= tol * max(1, |sklearn|)",
                  "kmeansTolerance": 1e-2,
                  "note": "given-init cases fix weights, means and precisions; kmeans-init cases (different random starts, "
                          "EM stopped at a 1e-3 change) compare the mean log-likelihoods within kmeansTolerance",
                  "cases": cases})

# ---------------------------------------------------------------- PCA
cases = []
for name, ds, scale, opts in [
    ("pca_iris_2", "iris", False, {"nComponents": 2}),
    ("pca_iris_all", "iris", False, {}),
    ("pca_wine_scaled_5_whiten", "wine", True, {"nComponents": 5, "whiten": True}),
    ("pca_digits_10", "digits", False, {"nComponents": 10}),
    ("pca_breast_cancer_var0.95", "breast_cancer", True, {"nComponents": 0.95}),
    ("pca_diabetes_3", "diabetes", False, {"nComponents": 3}),
]:
    Xtr, Xte, _, _ = split(ds, scale)
    kw = {"n_components": opts.get("nComponents"), "whiten": opts.get("whiten", False)}
    m = PCA(svd_solver="full", **kw).fit(Xtr)
    Z = m.transform(Xte[:40])
    cases.append({"name": name, "dataset": ds, "standardize": scale, "options": opts,
                  "nComponentsFitted": int(m.n_components_), "components": arr(m.components_),
                  "explainedVariance": arr(m.explained_variance_), "explainedVarianceRatio": arr(m.explained_variance_ratio_),
                  "singularValues": arr(m.singular_values_), "mean": arr(m.mean_), "noiseVariance": float(m.noise_variance_),
                  "transformTest40": arr(Z), "inverseTransformTest40": arr(m.inverse_transform(Z))})
write("pca", {"tolerance": 1e-4, "measure": "|ours - sklearn| <= tol * max(1, |sklearn|)", "note": "svd_solver='full' (LAPACK gesdd + svd_flip)", "cases": cases})

# ---------------------------------------------------------------- StandardScaler
cases = []
for name, ds in [("scaler_wine", "wine"), ("scaler_digits", "digits")]:
    Xtr, Xte, _, _ = split(ds)
    m = StandardScaler().fit(Xtr)
    cases.append({"name": name, "dataset": ds, "options": {}, "mean": arr(m.mean_), "scale": arr(m.scale_), "var": arr(m.var_),
                  "transformTest40": arr(m.transform(Xte[:40]))})
Xtr, Xte, _, _ = split("wine")
m = StandardScaler(with_mean=False).fit(Xtr)
cases.append({"name": "scaler_wine_nomean", "dataset": "wine", "options": {"withMean": False}, "mean": arr(m.mean_),
              "scale": arr(m.scale_), "var": arr(m.var_), "transformTest40": arr(m.transform(Xte[:40]))})
write("preprocessing", {"tolerance": 1e-10, "measure": "|ours - sklearn| <= tol * max(1, |sklearn|)",
                        "note": "digits has constant pixels (scale 1, as sklearn)", "cases": cases})

# ---------------------------------------------------------------- random ReLU features + linear readout
cases = []
rng = np.random.RandomState(7)
for name, ds, width, alpha in [("rf_diabetes_ridge", "diabetes", 50, 1.0), ("rf_regression_lstsq", "regression", 30, 0.0)]:
    Xtr, Xte, ytr, yte = split(ds, True)
    W = rng.normal(0.0, 1.0 / np.sqrt(Xtr.shape[1]), size=(Xtr.shape[1], width))
    F, Fte = np.maximum(Xtr @ W, 0), np.maximum(Xte @ W, 0)
    m = (Ridge(alpha=alpha) if alpha > 0 else LinearRegression()).fit(F, ytr)
    cases.append({"name": name, "dataset": ds, "standardize": True, "options": {"nFeatures": width, "alpha": alpha},
                  "projection": arr(W), "coef": arr(m.coef_), "intercept": float(m.intercept_),
                  "predictTest": arr(m.predict(Fte)), "scoreTest": float(m.score(Fte, yte))})
write("random_features", {"tolerance": 1e-6, "measure": "|ours - sklearn| <= tol * max(1, |sklearn|)",
                          "note": "projection W [d, width] ~ N(0, 1/d) drawn here; features relu(X W); readout Ridge(alpha) or LinearRegression",
                          "cases": cases})

# ---------------------------------------------------------------- metrics
rng = np.random.RandomState(11)
cases = []
yt = rng.randint(0, 2, 60)
yp = np.where(rng.rand(60) < 0.7, yt, 1 - yt)
ym_t = rng.randint(0, 4, 80)
ym_p = np.where(rng.rand(80) < 0.55, ym_t, rng.randint(0, 4, 80))
ym_p[ym_p == 3] = 2  # class 3 is never predicted: precision's zero division
for name, a, b in [("binary", yt, yp), ("multiclass", ym_t, ym_p)]:
    c = {"name": name, "yTrue": a.tolist(), "yPred": b.tolist(), "accuracy": float(accuracy_score(a, b)),
         "confusionMatrix": arr(confusion_matrix(a, b))}
    avgs = ["binary", "macro", "micro", "weighted", None] if name == "binary" else ["macro", "micro", "weighted", None]
    for fn, key in [(precision_score, "precision"), (recall_score, "recall"), (f1_score, "f1")]:
        c[key] = {str(av): (fn(a, b, average=av, zero_division=0).tolist() if av is None else float(fn(a, b, average=av, zero_division=0)))
                  for av in avgs}
    cases.append(c)
rt = rng.normal(size=50) * 3 + 1
rp = rt + rng.normal(size=50)
reg = {"yTrue": rt.tolist(), "yPred": rp.tolist(), "r2": float(r2_score(rt, rp)), "mse": float(mean_squared_error(rt, rp)),
       "mae": float(mean_absolute_error(rt, rp))}
write("metrics", {"tolerance": 1e-12, "classification": cases, "regression": reg})

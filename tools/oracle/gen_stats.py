"""Writes test/fixtures/stats/*.json: the expected values of gradlab's stats module,
computed by numpy, scipy and statsmodels on scikit-learn's shipped datasets and seeded
synthetic data.

Run with /usr/bin/python3 (Debian's python3-numpy, -scipy, -sklearn, -statsmodels,
-pandas): `/usr/bin/python3 tools/oracle/gen_stats.py`. The output is reproducible: every
random draw comes from numpy.random.default_rng with a fixed seed, and summaries are
printed with time.localtime pinned to 2024-01-02 03:04:05 (the tests pass the same date).

Files:
- distributions.json: pdf/logpdf/cdf/sf at many points (tails included) and ppf/isf at
  many probabilities for scipy.stats norm, t, chi2 and f; scipy.special gammaln, gammainc,
  gammaincc, betaln, betainc. Quantiles come twice: scipy's ppf/isf ("quantile", "isf")
  and the exact root of mpmath's cdf/sf at 60 digits ("quantileExact", "isfExact"), since
  scipy's own are off by up to 1e-7 (F lower tail) or fail (0, inf, clipped values) in
  far tails.
- descriptive.json: numpy mean/var/std/quantile (five methods)/median/cov/corrcoef, scipy
  zscore/skew/kurtosis, including NaN-omitting variants (numpy's nan* functions), and
  statsmodels' durbin_watson, jarque_bera, omni_normtest on residual-like vectors.
- regression.json: statsmodels OLS on diabetes (sklearn.datasets.load_diabetes), on
  seeded synthetic data (with and without a constant), on a seeded frame with a
  categorical column and NaNs (formula with missing='drop', pandas-imputed, the
  get_dummies column API, a Treatment reference, no intercept), their summaries' text,
  and variance_inflation_factor on designs with a constant.
- logit.json: statsmodels Logit on breast cancer (load_breast_cancer, three features),
  on iris (versicolor vs virginica), and on a seeded frame with a categorical column;
  their summaries' text.

Names are gradlab's camelCase. NaN and infinities are written as the strings "nan",
"inf", "-inf"; missing values in data columns as null.
"""
import json
import math
import os
import time
import warnings

import mpmath as mp
import numpy as np
import pandas as pd
import scipy
import scipy.special as sp
import scipy.stats as st
import sklearn
import statsmodels
import statsmodels.api as sm
import statsmodels.formula.api as smf
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from statsmodels.stats.outliers_influence import variance_inflation_factor
from statsmodels.stats.stattools import durbin_watson, jarque_bera, omni_normtest

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "stats")
PINNED = time.struct_time((2024, 1, 2, 3, 4, 5, 1, 2, 0))
time.localtime = lambda *a: PINNED  # summaries print this date

HEADER = {
    "numpy": np.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
    "sklearn": sklearn.__version__, "pandas": pd.__version__, "date": "2024-01-02T03:04:05",
}


def num(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def nums(a):
    return [num(v) for v in np.asarray(a, dtype=float).ravel()]


def matrix(a):
    return [nums(r) for r in np.asarray(a, dtype=float)]


def column(series):
    """A data column for JSON: numbers or strings, with None for missing."""
    out = []
    for v in series:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, (np.floating, float)):
            out.append(float(v))
        elif isinstance(v, (np.integer, int)):
            out.append(int(v))
        else:
            out.append(str(v))
    return out


def write(name, body):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w") as f:
        json.dump({**HEADER, **body}, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")


# ---------------------------------------------------------------- distributions

PROBS = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.025, 0.1, 0.3, 0.5, 0.7, 0.9, 0.975, 0.999, 1 - 1e-5, 1 - 1e-10]


mp.mp.dps = 60


def mp_tails(name, params):
    """The cdf and survival function at high precision, each computed directly."""
    if name == "Normal":
        m, s = mp.mpf(params.get("mean", 0)), mp.mpf(params.get("std", 1))
        return (lambda x: mp.erfc(-(x - m) / (s * mp.sqrt(2))) / 2), (lambda x: mp.erfc((x - m) / (s * mp.sqrt(2))) / 2)
    if name == "StudentT":
        nu = mp.mpf(params["df"])

        def low(x):
            if x == 0:
                return mp.mpf(1) / 2
            if x > 0:
                return 1 - low(-x)
            return mp.betainc(nu / 2, mp.mpf(1) / 2, 0, nu / (nu + x * x), regularized=True) / 2
        return low, (lambda x: low(-x))
    if name == "ChiSquared":
        k = mp.mpf(params["df"]) / 2
        return (lambda x: mp.gammainc(k, 0, x / 2, regularized=True)), (lambda x: mp.gammainc(k, x / 2, mp.inf, regularized=True))
    a, b = mp.mpf(params["df1"]) / 2, mp.mpf(params["df2"]) / 2
    d1, d2 = 2 * a, 2 * b
    return (lambda x: mp.betainc(a, b, 0, d1 * x / (d1 * x + d2), regularized=True)), (lambda x: mp.betainc(b, a, 0, d2 / (d1 * x + d2), regularized=True))


def mp_solve(name, params, p, upper):
    """The x with cdf(x) = p (or sf(x) = p when upper), by bisection on a log scale."""
    low, high = mp_tails(name, params)
    f = (lambda x: high(x) - p) if upper else (lambda x: low(x) - p)
    sign = -1 if upper else 1  # f increases with x for the cdf, decreases for sf
    positive = name in ("ChiSquared", "FisherF")
    if positive:
        lo, hi = mp.mpf(-20000), mp.mpf(20000)  # log x, far beyond the float range
        g = lambda u: sign * f(mp.exp(u))
    else:
        center = mp.mpf(params.get("mean", 0))
        scale = mp.mpf(params.get("std", 1))
        # x = center + scale * sinh(u) spans huge magnitudes with bisection on u.
        lo, hi = mp.mpf(-2000), mp.mpf(2000)
        g = lambda u: sign * f(center + scale * mp.sinh(u))
    for _ in range(450):
        mid = (lo + hi) / 2
        if g(mid) < 0:
            lo = mid
        else:
            hi = mid
    u = (lo + hi) / 2
    return float(mp.exp(u)) if positive else float(center + scale * mp.sinh(u))


def mp_quantile(name, params, p, upper, guess):
    """The exact quantile at 60 digits: secant steps from scipy's value when it brackets the
    root, bisection otherwise (scipy returns 0, inf or clipped values in some far tails)."""
    low, high = mp_tails(name, params)
    pm = mp.mpf(p)
    f = (lambda x: high(x) - pm) if upper else (lambda x: low(x) - pm)
    if name in ("Normal", "StudentT") and p == 0.5:
        return float(params.get("mean", 0))
    if math.isfinite(guess) and guess != 0:
        a, b = mp.mpf(guess) * (1 - mp.mpf("1e-5")), mp.mpf(guess) * (1 + mp.mpf("1e-5"))
        fa, fb = f(a), f(b)
        if fa * fb < 0:
            for _ in range(200):  # Illinois-style regula falsi: converges fast, keeps the bracket
                m = (a * fb - b * fa) / (fb - fa)
                fm = f(m)
                if fm == 0 or abs(b - a) < abs(m) * mp.mpf("1e-40"):
                    return float(m)
                if fm * fb < 0:
                    a, fa = b, fb
                else:
                    fa = fa / 2
                b, fb = m, fm
            return float(b)
    return mp_solve(name, params, pm, upper)


def checked_quantiles(name, params, dist, upper):
    """scipy's ppf (or isf) and the exact quantile from mpmath."""
    fn = dist.isf if upper else dist.ppf
    got = [float(fn(p)) for p in PROBS]
    exact = [mp_quantile(name, params, p, upper, q) for p, q in zip(PROBS, got)]
    return nums(got), nums(exact)


def dist_case(name, params, dist, xs):
    xs = [float(x) for x in xs]
    quantile, quantile_exact = checked_quantiles(name, params, dist, False)
    isf, isf_exact = checked_quantiles(name, params, dist, True)
    return {
        "dist": name, "params": params, "x": xs,
        "pdf": nums(dist.pdf(xs)), "logPdf": nums(dist.logpdf(xs)),
        "cdf": nums(dist.cdf(xs)), "sf": nums(dist.sf(xs)),
        "p": PROBS, "quantile": quantile, "isf": isf, "quantileExact": quantile_exact, "isfExact": isf_exact,
    }


def distributions():
    cases = []
    zx = [-38, -30, -20, -10, -6, -3, -1.96, -1, -0.5, -1e-8, 0, 1e-8, 0.25, 1, 1.96, 3, 6, 10, 20, 30, 38]
    cases.append(dist_case("Normal", {}, st.norm(), zx))
    cases.append(dist_case("Normal", {"mean": 2.5, "std": 0.3}, st.norm(2.5, 0.3), [2.5 + 0.3 * z for z in zx]))
    tx = [-1e6, -1e3, -100, -30, -10, -5, -2.5, -1, -0.3, -1e-6, 0, 1e-6, 0.3, 1, 2.5, 5, 10, 30, 100, 1e3, 1e6]
    for df in [0.5, 1, 2.5, 3, 10, 30, 1000, 1e5]:
        cases.append(dist_case("StudentT", {"df": df}, st.t(df), tx))
    cx = [1e-12, 1e-6, 0.01, 0.1, 0.5, 1, 2, 3.5, 5, 10, 20, 50, 100, 300, 1000, 1200, 2000]
    for df in [0.1, 1, 2, 5.5, 30, 1000]:
        cases.append(dist_case("ChiSquared", {"df": df}, st.chi2(df), cx))
    fx = [1e-12, 1e-6, 0.001, 0.05, 0.3, 0.8, 1, 1.2, 2, 3.1, 5, 10, 50, 300, 1e4, 1e8]
    for d1, d2 in [(1, 1), (3, 20), (2.5, 7.5), (30, 5), (100, 200), (1000, 1000)]:
        cases.append(dist_case("FisherF", {"df1": d1, "df2": d2}, st.f(d1, d2), fx))

    special = []
    for x in [1e-300, 1e-10, 0.1, 0.5, 1, 1.5, 2, 2.5, 3.7, 9.99, 10, 10.01, 25.3, 171.5, 1e4, 1e10, 1e300]:
        special.append({"fn": "logGamma", "args": [x], "value": num(sp.gammaln(x))})
    for x in [-0.5, -1.5, -2.25]:
        special.append({"fn": "logGamma", "args": [x], "value": num(sp.gammaln(x))})
    for a in [0.01, 0.5, 1, 3.3, 20, 150, 1e4]:
        for x in [1e-8, 0.05, 0.5, 1, 2.5, a * 0.9 + 1e-3, a, a * 1.1 + 0.5, 3 * a + 10]:
            special.append({"fn": "incompleteGamma", "args": [a, x], "lower": num(sp.gammainc(a, x)), "upper": num(sp.gammaincc(a, x))})
    for a, b in [(0.5, 0.5), (1, 1), (0.1, 3), (2, 3), (5.5, 0.7), (20, 35), (150, 12), (1e3, 1e3), (0.5, 5e4)]:
        special.append({"fn": "logBeta", "args": [a, b], "value": num(sp.betaln(a, b))})
        for x in [1e-10, 0.001, 0.1, 0.3, a / (a + b), 0.5, 0.7, 0.9, 0.999, 1 - 1e-10]:
            # I_x(a, b) and I_y(b, a) at y = 1 - x as rounded here (a point of its own).
            special.append({"fn": "incompleteBeta", "args": [a, b, x], "y": 1 - x, "lower": num(sp.betainc(a, b, x)), "upperAtY": num(sp.betainc(b, a, 1 - x))})
    write("distributions.json", {"cases": cases, "special": special})


# ---------------------------------------------------------------- descriptive

QS = [0, 0.1, 0.25, 0.333, 0.5, 0.75, 0.9, 1]
METHODS = ["linear", "lower", "higher", "midpoint", "nearest"]


def descriptive():
    rng = np.random.default_rng(60601)
    vec = rng.gamma(2.0, 3.0, size=37) - 4.0
    mat = rng.normal(size=(23, 4)) @ np.array([[1, 0.5, 0, 0], [0, 1, -0.3, 0], [0, 0, 2, 0.1], [0, 0, 0, 0.01]]) + np.array([10, -3, 0, 1e3])
    withnan = vec.copy()
    withnan[[3, 11, 30]] = np.nan
    out = {"vector": nums(vec), "matrix": matrix(mat), "vectorWithNan": nums(withnan)}
    out["vectorStats"] = {
        "mean": num(np.mean(vec)), "var0": num(np.var(vec)), "var1": num(np.var(vec, ddof=1)),
        "std0": num(np.std(vec)), "std1": num(np.std(vec, ddof=1)), "median": num(np.median(vec)),
        "quantile": {m: nums(np.quantile(vec, QS, method=m)) for m in METHODS},
        "skew": num(st.skew(vec)), "skewUnbiased": num(st.skew(vec, bias=False)),
        "kurtosis": num(st.kurtosis(vec)), "kurtosisPearson": num(st.kurtosis(vec, fisher=False)),
        "kurtosisUnbiased": num(st.kurtosis(vec, bias=False)),
        "zscore0": nums(st.zscore(vec)), "zscore1": nums(st.zscore(vec, ddof=1)),
    }
    out["q"] = QS
    out["matrixStats"] = {
        "mean0": nums(np.mean(mat, axis=0)), "mean1": nums(np.mean(mat, axis=1)), "meanAll": num(np.mean(mat)),
        "var1Axis0": nums(np.var(mat, axis=0, ddof=1)), "std0Axis1": nums(np.std(mat, axis=1)),
        "medianAxis0": nums(np.median(mat, axis=0)), "quantileAxis1": matrix(np.quantile(mat, QS, axis=1)),
        "zscoreAxis0": matrix(st.zscore(mat, axis=0)), "zscoreAxis1": matrix(st.zscore(mat, axis=1)),
        "zscoreAll": matrix(st.zscore(mat, axis=None)),
        "cov": matrix(np.cov(mat, rowvar=False)), "cov0": matrix(np.cov(mat, rowvar=False, ddof=0)),
        "covRows": matrix(np.cov(mat[:5])), "corr": matrix(np.corrcoef(mat, rowvar=False)),
        "covPair": num(np.cov(mat[:, 0], mat[:, 1])[0, 1]), "corrPair": num(np.corrcoef(mat[:, 0], mat[:, 1])[0, 1]),
    }
    out["nanStats"] = {
        "mean": num(np.nanmean(withnan)), "var1": num(np.nanvar(withnan, ddof=1)), "median": num(np.nanmedian(withnan)),
        "quantile": nums(np.nanquantile(withnan, QS)),
        "zscore": nums(st.zscore(withnan, nan_policy="omit")),
    }
    resid = rng.standard_t(5, size=60)
    jb = jarque_bera(resid)
    out["residuals"] = {
        "x": nums(resid), "durbinWatson": num(durbin_watson(resid)),
        "jarqueBera": {"statistic": num(jb[0]), "pValue": num(jb[1]), "skew": num(jb[2]), "kurtosis": num(jb[3])},
        "normalTest": dict(zip(["statistic", "pValue"], map(num, omni_normtest(resid)))),
    }
    write("descriptive.json", out)


# ---------------------------------------------------------------- regression

def ols_result(res, names=None):
    ci = np.asarray(res.conf_int())
    return {
        "names": names if names is not None else list(res.model.exog_names),
        "params": nums(res.params), "bse": nums(res.bse), "tvalues": nums(res.tvalues), "pvalues": nums(res.pvalues),
        "confInt": matrix(ci), "confInt90": matrix(np.asarray(res.conf_int(0.1))),
        "rsquared": num(res.rsquared), "rsquaredAdj": num(res.rsquared_adj),
        "fvalue": num(res.fvalue), "fPvalue": num(res.f_pvalue), "llf": num(res.llf), "aic": num(res.aic), "bic": num(res.bic),
        "nobs": num(res.nobs), "dfModel": num(res.df_model), "dfResid": num(res.df_resid),
        "ssr": num(res.ssr), "ess": num(res.ess), "mseResid": num(res.mse_resid),
        "conditionNumber": num(res.condition_number), "resid": nums(res.resid)[:10],
        "summary": str(res.summary()),
    }


def vifs(exog):
    exog = np.asarray(exog, dtype=float)
    return nums([variance_inflation_factor(exog, i) for i in range(exog.shape[1])])


def categorical_frame():
    rng = np.random.default_rng(31415)
    n = 150
    group = rng.choice(["north", "south", "west"], size=n, p=[0.5, 0.3, 0.2]).astype(object)
    x1 = rng.normal(5, 2, size=n)
    x2 = rng.uniform(-1, 1, size=n)
    effect = {"north": 0.0, "south": 1.5, "west": -2.0}
    y = 1.0 + 0.8 * x1 - 2.5 * x2 + np.array([effect[g] for g in group]) + rng.normal(0, 1.2, size=n)
    x1[rng.choice(n, 9, replace=False)] = np.nan
    group[rng.choice(n, 6, replace=False)] = None
    y[rng.choice(n, 3, replace=False)] = np.nan
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2, "group": group})


def regression():
    d = load_diabetes(as_frame=True)
    X = d.data
    diab = sm.OLS(d.target, sm.add_constant(X)).fit()
    out = {"diabetes": {"X": matrix(X.values), "y": nums(d.target.values), "names": list(X.columns), "yName": "target",
                        "result": ols_result(diab), "vif": vifs(sm.add_constant(X))}}

    rng = np.random.default_rng(2718)
    n, k = 80, 4
    Z = rng.normal(size=(n, k)) * [1, 10, 0.1, 3] + [0, 5, 0, -2]
    Z[:, 3] += 0.6 * Z[:, 0]  # correlated, so the VIFs are not all near 1
    yz = Z @ [1.5, -0.2, 8.0, 0.3] + 4 + rng.standard_t(4, size=n)
    out["synthetic"] = {"X": matrix(Z), "y": nums(yz), "result": ols_result(sm.OLS(yz, sm.add_constant(Z)).fit(), ["const", "x1", "x2", "x3", "x4"]),
                        "noConstant": ols_result(sm.OLS(yz, Z).fit(), ["x1", "x2", "x3", "x4"]), "vif": vifs(sm.add_constant(Z))}

    df = categorical_frame()
    out["frame"] = {name: column(df[name]) for name in df.columns}
    f = "y ~ x1 + x2 + C(group)"
    dropped = smf.ols(f, df, missing="drop").fit()
    filled = df.copy()
    filled["x1"] = filled["x1"].fillna(df["x1"].mean())
    filled["group"] = filled["group"].fillna(df["group"].mode()[0])
    filled = filled.dropna(subset=["y"])
    imputed = smf.ols(f, filled).fit()
    median_filled = df.copy()
    median_filled["x1"] = median_filled["x1"].fillna(df["x1"].median())
    median_filled["group"] = median_filled["group"].fillna("west")
    median_filled = median_filled.dropna(subset=["y"])
    imputed_median = smf.ols(f, median_filled).fit()
    complete = df.dropna()
    design = sm.add_constant(pd.get_dummies(complete[["x1", "x2", "group"]], drop_first=True).astype(float))
    columns_api = sm.OLS(complete["y"], design).fit()
    reference = smf.ols("y ~ x1 + C(group, Treatment('south'))", df, missing="drop").fit()
    no_intercept = smf.ols("y ~ C(group) + x2 - 1", df, missing="drop").fit()
    design_vif = pd.get_dummies(complete[["x1", "x2", "group"]], drop_first=True).astype(float)
    out["categorical"] = {
        "formula": f, "drop": ols_result(dropped), "imputeMeanMode": ols_result(imputed),
        "imputeMedianConstant": ols_result(imputed_median),
        "imputedValues": {"x1Mean": num(df["x1"].mean()), "x1Median": num(df["x1"].median()), "groupMode": df["group"].mode()[0]},
        "columnsApi": ols_result(columns_api), "reference": ols_result(reference), "noIntercept": ols_result(no_intercept),
        "vif": {"names": list(sm.add_constant(design_vif).columns), "values": vifs(sm.add_constant(design_vif))},
        "droppedRows": int(len(df) - len(complete)),
    }
    write("regression.json", out)


# ---------------------------------------------------------------- logit

def logit_result(res, names=None):
    return {
        "names": names if names is not None else list(res.model.exog_names),
        "params": nums(res.params), "bse": nums(res.bse), "tvalues": nums(res.tvalues), "pvalues": nums(res.pvalues),
        "confInt": matrix(np.asarray(res.conf_int())), "llf": num(res.llf), "llnull": num(res.llnull), "llr": num(res.llr),
        "llrPvalue": num(res.llr_pvalue), "prsquared": num(res.prsquared), "aic": num(res.aic), "bic": num(res.bic),
        "nobs": num(res.nobs), "dfModel": num(res.df_model), "dfResid": num(res.df_resid),
        "fitted": nums(res.predict())[:10], "summary": str(res.summary()),
    }


def logit():
    out = {}
    b = load_breast_cancer(as_frame=True)
    cols = ["mean radius", "mean texture", "mean smoothness"]
    res = sm.Logit(b.target, sm.add_constant(b.data[cols])).fit(disp=0, tol=1e-12, maxiter=100)
    out["breastCancer"] = {"X": matrix(b.data[cols].values), "y": nums(b.target.values), "names": cols, "yName": "target", "result": logit_result(res)}

    iris = load_iris(as_frame=True)
    keep = iris.target > 0
    Xi = iris.data.loc[keep, ["petal length (cm)", "petal width (cm)"]]
    yi = (iris.target[keep] == 2).astype(int).rename("virginica")
    res = sm.Logit(yi, sm.add_constant(Xi)).fit(disp=0, tol=1e-12, maxiter=100)
    setosa = (iris.target == 0).astype(int)
    out["iris"] = {"X": matrix(Xi.values), "y": nums(yi.values), "names": list(Xi.columns), "yName": "virginica", "result": logit_result(res),
                   "setosaX": matrix(iris.data.values), "setosaY": nums(setosa.values), "setosaNames": list(iris.data.columns)}

    rng = np.random.default_rng(16180)
    n = 300
    dose = rng.uniform(0, 10, size=n)
    site = rng.choice(["a", "b", "c", "d"], size=n).astype(object)
    shift = {"a": 0.0, "b": 0.7, "c": -0.4, "d": 1.2}
    eta = -2.0 + 0.35 * dose + np.array([shift[s] for s in site])
    yb = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
    dose[rng.choice(n, 7, replace=False)] = np.nan
    frame = pd.DataFrame({"cured": yb, "dose": dose, "site": site})
    res = smf.logit("cured ~ dose + C(site)", frame, missing="drop").fit(disp=0, tol=1e-12, maxiter=100)
    out["frame"] = {"columns": {k: column(frame[k]) for k in frame.columns}, "formula": "cured ~ dose + C(site)", "result": logit_result(res)}
    write("logit.json", out)


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    distributions()
    descriptive()
    regression()
    logit()
    print("wrote", sorted(os.listdir(OUT)))

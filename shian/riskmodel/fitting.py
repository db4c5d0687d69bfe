"""Fitting and applying the model (docs/riskmodel.md §2): StandardScaler + L2-regularised LogisticRegression
from scikit-learn for training; scoring and per-feature contributions from the stored numbers with numpy alone, so
a stored version needs neither pickle nor scikit-learn to be read back."""

from dataclasses import dataclass

import numpy as np

from .features import CODES

C = 1.0  # inverse L2 strength: scikit-learn's default, kept explicit because the docs explain it
BIG = 10_000.0  # separates the band from the days in the baseline score (days never reach it)


@dataclass
class Params:
    features: list[str]
    means: list[float]
    scales: list[float]
    coefficients: list[float]
    intercept: float


def fit(X: np.ndarray, y: np.ndarray) -> Params:
    """Standardise each column, then a regularised logistic regression (class weights left balanced by the data)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X)
    lr = LogisticRegression(C=C, max_iter=500).fit(scaler.transform(X), y)
    return Params(list(CODES), scaler.mean_.tolist(), scaler.scale_.tolist(), lr.coef_[0].tolist(),
                  float(lr.intercept_[0]))  # fmt: skip


def contributions(p: Params, X: np.ndarray) -> np.ndarray:
    """Each feature's share of the log-odds: coefficient × standardised value (Chicago's reading of its model)."""
    return (X - np.asarray(p.means)) / np.asarray(p.scales) * np.asarray(p.coefficients)


def probability(p: Params, X: np.ndarray) -> np.ndarray:
    return probability_of(p, contributions(p, X))


def probability_of(p: Params, parts: np.ndarray) -> np.ndarray:
    """The probability from the rows' contributions (already computed for their reasons)."""
    return 1.0 / (1.0 + np.exp(-(parts.sum(axis=1) + p.intercept)))


def baseline_score(X: np.ndarray) -> np.ndarray:
    """The plan's order as a score: the risk band first (D before A), then the due date; within one band the
    interval is the band's, so the earlier due date is the longer time since the last inspection."""
    band, since = X[:, CODES.index("risk_band")], X[:, CODES.index("days_since_last")]
    return band * BIG + since


def auc(y: np.ndarray, score: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, score))


def gradient_boosting_auc(X_train, y_train, X_test, y_test) -> float:
    """The boosted alternative, for comparison only (not stored: its reasons are not a sum of per-feature parts)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(max_iter=100, random_state=0).fit(X_train, y_train)
    return auc(y_test, model.predict_proba(X_test)[:, 1])

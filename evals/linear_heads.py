"""Linear heads over the sentence model's embeddings, shared by the training scripts.

``evals.train_crisis_sentence_model`` and ``evals.train_apology_model`` fit small logistic
regressions on ``guardrails.sentence_model`` embeddings of the labelled sets; this module holds
the fitting (plain numpy, Newton's method or fixed-step gradient descent: the problems are small
and convex) and the on-disk cache of the labelled sets' embeddings.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from guardrails import sentence_model
from guardrails._cache import cache_dir

Matrix = npt.NDArray[np.float64]


def embeddings(texts: Sequence[str]) -> Matrix:
    """Embeddings of ``texts`` (first piece, as :func:`sentence_model.embed`), cached on disk per
    text and model: these are the labelled sets, never a person's text. Adding a set to the
    training files embeds only its texts; everything embedded before is read back."""
    store = _EmbeddingStore(cache_dir() / f"embeddings-{sentence_model.MODEL_SHA256[:16]}.npz")
    keys = [hashlib.sha256(text.encode()).hexdigest()[:32] for text in texts]
    missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in store.rows}
    if missing:
        store.add({key: sentence_model.embed(text) for key, text in missing.items()})
    return np.stack([store.rows[key] for key in keys]).astype(np.float64)


class _EmbeddingStore:
    """One ``.npz`` file of text keys and their vectors. Anything wrong with it (missing,
    unreadable, of another size) counts as empty; it is rewritten whole, atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: dict[str, npt.NDArray[np.float32]] = {}
        try:
            with np.load(path) as data:
                keys, vectors = data["keys"], data["vectors"]
            if vectors.ndim == 2 and vectors.shape == (len(keys), sentence_model.DIMENSION):
                self.rows = {str(k): v for k, v in zip(keys, vectors, strict=True)}
        except (OSError, ValueError, KeyError):
            pass

    def add(self, rows: dict[str, Any]) -> None:
        self.rows.update({key: np.asarray(v, dtype=np.float32) for key, v in rows.items()})
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            partial = self.path.with_suffix(f".{os.getpid()}.part.npz")
            np.savez(
                partial,
                keys=np.array(list(self.rows)),
                vectors=np.stack(list(self.rows.values())),
            )
            os.chmod(partial, 0o600)
            os.replace(partial, self.path)
        except OSError:
            pass


def quick_embeddings(texts: Sequence[str]) -> Matrix:
    """Quick vectors of ``texts`` (first piece, as :func:`sentence_model.quick_embed`)."""
    return np.stack([sentence_model.quick_embed(t) for t in texts]).astype(np.float64)


def fit_binary(
    x: Matrix,
    y: npt.NDArray[np.float64],
    lam: float,
    start: Matrix | None = None,
    curvature: Matrix | None = None,
) -> Matrix:
    """Weights (last one the bias) of an L2 logistic regression, by Newton's method from
    ``start`` (zeros by default). The problem is convex: the start changes how many steps it
    takes, not where it ends (to within the stopping tolerance).

    ``curvature``, when given, is a Hessian close to this problem's near ``start``: steps are
    taken with it, fixed (one gradient per step, not a Hessian), for as long as they shrink;
    Newton's own steps finish the fit. Where the gradient is zero both stop, so the answer is
    the same; only the work differs."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1]) if start is None else np.array(start, dtype=np.float64)
    penalty = _penalty(xb.shape[1], lam)
    if curvature is not None:
        inverse = np.linalg.inv(curvature)
        before, last = w.copy(), np.inf
        for _ in range(FIXED_STEPS):
            step = inverse @ (xb.T @ (_sigmoid(xb @ w) - y) + penalty * w)
            size = float(np.abs(step).max())
            if not size < last:  # not shrinking: back one step, and leave it to Newton
                w = before
                break
            before = w.copy()
            w -= step
            last = size
            if size < STOP:
                return w
    for _ in range(100):
        p = _sigmoid(xb @ w)
        gradient = xb.T @ (p - y) + penalty * w
        newton = np.linalg.solve(_hessian(xb, p * (1 - p), penalty), gradient)
        w -= newton
        if np.abs(newton).max() < STOP:
            break
    return w


STOP = 1e-8  # the largest step (in any weight) at which a fit stops
FIXED_STEPS = 50


def _penalty(columns: int, lam: float) -> Matrix:
    """The L2 penalty per weight: ``lam``, and none on the bias (the last one)."""
    penalty = np.full(columns, lam)
    penalty[-1] = 0.0
    return penalty


def _hessian(xb: Matrix, weight: Matrix, penalty: Matrix) -> Matrix:
    """The penalised log-loss Hessian for rows ``xb`` weighted by p(1 - p)."""
    return np.asarray((xb * weight[:, None]).T @ xb + np.diag(penalty + 1e-9))


def _sigmoid(z: Matrix) -> Matrix:
    with np.errstate(over="ignore"):  # exp(-z) overflows to inf for very negative z: 1/inf = 0
        return np.asarray(1.0 / (1.0 + np.exp(-z)))


def held_out_scores(
    x: Matrix,
    y: npt.NDArray[np.float64],
    files: npt.NDArray[np.str_],
    names: Sequence[str],
    lam: float,
) -> Matrix:
    """Leave one author out: each row of a file in ``names`` scored by a logistic regression
    fit on every row of the other files (rows of files not in ``names`` score 0).

    Each fold starts from the fit on every row, a few steps from its own optimum (one author's
    rows apart), and steps with that fit's Hessian less the held-out rows' part: a few
    gradients instead of a Hessian per Newton step (on the crisis sets, 4 to 5 gradients and
    a tenth of the time, and no held-out score moves by more than 1e-9)."""
    everyone = fit_binary(x, y, lam)
    xb = np.hstack([x, np.ones((len(x), 1))])
    p = _sigmoid(xb @ everyone)
    weight = p * (1 - p)
    hessian = _hessian(xb, weight, _penalty(xb.shape[1], lam))
    held = np.zeros(len(x))
    for name in names:
        test = files == name
        rows = xb[test]
        curvature = hessian - (rows * weight[test][:, None]).T @ rows
        fit = fit_binary(x[~test], y[~test], lam, everyone, curvature)
        held[test] = scores(fit, x[test])
    return held


CATEGORY_STEPS = 3000
CATEGORY_STEP_SIZE = 2.0


def fit_categories(x: Matrix, labels: Sequence[int], classes: int, lam: float) -> Matrix:
    """Weights (classes, features + 1) of an L2 multinomial logistic regression (gradient
    descent with a fixed step and a fixed number of steps; the problem is small and convex)."""
    return np.asarray(
        fit_categories_apart(x, labels, np.ones((1, len(x)), dtype=bool), classes, lam)[0]
    )


def fit_categories_apart(
    x: Matrix,
    labels: Sequence[int],
    keep: npt.NDArray[np.bool_],
    classes: int,
    lam: float,
) -> Matrix:
    """:func:`fit_categories` once per row of ``keep`` (fits, rows of ``x``), each fit on the
    rows it keeps: weights (fits, classes, features + 1). Every fit takes the same steps it
    would take alone; they are taken together, so that each step reads ``x`` twice in all
    rather than twice per fit (the descent is bound by reading ``x``, not by arithmetic)."""
    fits, rows = keep.shape
    xb = np.hstack([x, np.ones((rows, 1))])
    across = np.ascontiguousarray(xb.T)
    target = np.zeros((1, classes, rows))
    target[0, labels, np.arange(rows)] = 1.0
    kept = keep[:, None, :].astype(np.float64)  # (fits, 1, rows)
    counts = keep.sum(axis=1).astype(np.float64)[:, None, None]
    unbiased = np.ones(xb.shape[1])
    unbiased[-1] = 0.0
    w = np.zeros((fits * classes, xb.shape[1]))
    for _ in range(CATEGORY_STEPS):
        # Classes on the middle axis, rows last: the softmax's reductions run over whole rows.
        p = (w @ across).reshape(fits, classes, rows)
        p -= p.max(axis=1, keepdims=True)
        np.exp(p, out=p)
        p /= p.sum(axis=1, keepdims=True)
        p -= target
        p *= kept
        gradient = (p.reshape(fits * classes, rows) @ xb).reshape(fits, classes, -1) / counts
        w -= CATEGORY_STEP_SIZE * (gradient.reshape(fits * classes, -1) + lam * (w * unbiased))
    return w.reshape(fits, classes, xb.shape[1])


def held_out_category_log_probabilities(
    x: Matrix,
    categories: Sequence[Sequence[int]],
    files: npt.NDArray[np.str_],
    names: Sequence[str],
    classes: int,
    lam: float,
) -> Matrix:
    """Leave one author out, for a category head: each row of a file in ``names`` gets the log
    probabilities (one column per class) of :func:`fit_categories` fit on the labelled rows
    of the other files; a row with several ``categories`` is fit once per category. Rows of
    files not in ``names`` get 0."""
    rows = [i for i, labels in enumerate(categories) for _ in labels]
    labels = [c for labels in categories for c in labels]
    keep = np.array([files[rows] != name for name in names], dtype=bool).reshape(len(names), -1)
    weights = fit_categories_apart(x[rows], labels, keep, classes, lam)
    held = np.zeros((len(x), classes))
    for name, w in zip(names, weights, strict=True):
        test = files == name
        held[test] = category_log_probabilities(w, x[test])
    return held


def category_log_probabilities(w: Matrix, x: Matrix) -> Matrix:
    logits = x @ w[:, :-1].T + w[:, -1]
    logits -= logits.max(axis=1, keepdims=True)
    return np.asarray(logits - np.log(np.exp(logits).sum(axis=1, keepdims=True)))


def scores(w: Matrix, x: Matrix) -> Matrix:
    return np.asarray(x @ w[:-1] + w[-1], dtype=np.float64)


def rounded(values: Matrix, digits: int) -> list[float]:
    return [round(float(v), digits) for v in values]


def dumps(data: dict[str, Any]) -> str:
    """A head file's text: sorted keys, one item per line, so diffs stay readable."""
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def write_head(data: dict[str, Any], path: Path, check: bool) -> int:
    """Write a head file, or with ``check`` only compare: exit status 1 when it is stale."""
    text = dumps(data)
    if check:
        return 0 if path.read_text(encoding="utf-8") == text else 1
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0

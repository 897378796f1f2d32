"""The fitting shared by the training scripts: the fast paths give what the plain ones give.

The cross-validation fits many heads at once (categories) or starts each fold from the fit on
every row (Newton, with that fit's curvature); these tests hold them to fitting each fold
alone, from zero, on random problems of the same shape.
"""

from __future__ import annotations

import numpy as np
import pytest

from evals import linear_heads


def _problem(rows: int, features: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, features)) / np.sqrt(features)
    truth = rng.normal(size=features) * 3
    y = (x @ truth + rng.normal(size=rows) * 0.5 > 0.3).astype(np.float64)
    return x, y


def test_folds_started_from_the_full_fit_end_where_folds_from_zero_end() -> None:
    x, y = _problem(600, 12, seed=1)
    files = np.array([f"author{i % 5}" for i in range(len(x))])
    names = sorted(set(files))
    held = linear_heads.held_out_scores(x, y, files, names, lam=0.3)
    for name in names:
        test = files == name
        alone = linear_heads.scores(linear_heads.fit_binary(x[~test], y[~test], 0.3), x[test])
        np.testing.assert_allclose(held[test], alone, atol=1e-9)


def test_a_warm_start_changes_the_steps_not_the_answer() -> None:
    x, y = _problem(400, 8, seed=2)
    cold = linear_heads.fit_binary(x, y, 1.0)
    warm = linear_heads.fit_binary(x, y, 1.0, start=cold + 0.5)
    np.testing.assert_allclose(warm, cold, atol=1e-9)


@pytest.mark.parametrize("scale", [1e-3, 1e3])
def test_a_poor_curvature_changes_the_steps_not_the_answer(scale: float) -> None:
    """Far too flat (steps that grow) or far too steep (steps that crawl): Newton finishes."""
    x, y = _problem(400, 8, seed=5)
    cold = linear_heads.fit_binary(x, y, 1.0)
    curvature = np.eye(x.shape[1] + 1) * scale
    poor = linear_heads.fit_binary(x, y, 1.0, start=np.zeros(x.shape[1] + 1), curvature=curvature)
    np.testing.assert_allclose(poor, cold, atol=1e-9)


def test_category_fits_taken_together_are_the_fits_taken_alone() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 10))
    labels = list(rng.integers(0, 3, size=300))
    keep = rng.random((4, 300)) > 0.25
    together = linear_heads.fit_categories_apart(x, labels, keep, classes=3, lam=0.01)
    for fit, rows in zip(together, keep, strict=True):
        alone = linear_heads.fit_categories(
            x[rows], [label for label, k in zip(labels, rows, strict=True) if k], 3, 0.01
        )
        np.testing.assert_allclose(fit, alone, atol=1e-10)


def test_held_out_category_fits_never_see_the_held_out_file() -> None:
    """A file whose labels contradict the others' and outnumber them: held out, it is predicted
    as the others taught, so its own rows cannot have been in its fit."""
    rng = np.random.default_rng(4)
    x = rng.normal(size=(320, 6))
    truth = [int(v) for v in x[:, 0] > 0]
    files = np.array(["a"] * 80 + ["b"] * 80 + ["liar"] * 160)
    categories = [[t] if f != "liar" else [1 - t] for t, f in zip(truth, files, strict=True)]
    held = linear_heads.held_out_category_log_probabilities(
        x, categories, files, ["a", "b", "liar"], classes=2, lam=0.01
    )
    liar = files == "liar"
    predicted = held[liar].argmax(axis=1)
    assert (predicted == np.array(truth)[liar]).mean() > 0.9


@pytest.mark.parametrize("classes", [2, 4])
def test_rows_of_files_not_held_out_score_zero(classes: int) -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(60, 4))
    files = np.array(["a"] * 20 + ["b"] * 20 + ["other"] * 20)
    categories = [[int(i % classes)] for i in range(60)]
    held = linear_heads.held_out_category_log_probabilities(
        x, categories, files, ["a", "b"], classes=classes, lam=0.01
    )
    assert not held[files == "other"].any()
    assert held[files != "other"].all()

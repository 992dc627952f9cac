"""Weight initialisation, reproducible from a seed (drawn with NumPy, then moved to the backend,
so the CPU and GPU start from the same numbers)."""
import numpy as np

INITS = ("auto", "uniform", "xavier", "he")


def init_weight(rng, fan_in, fan_out, scheme, activation, scale=0.5):
    """One (fan_in, fan_out) weight matrix for the weights into a layer of ``activation``.

    - ``uniform``: U(−scale, scale);
    - ``xavier`` (Glorot): U(−r, r) with r = √(6 / (fan_in + fan_out)), keeps the variance of
      sigmoid/tanh layers steady;
    - ``he``: N(0, 2 / fan_in), keeps the variance of ReLU layers steady;
    - ``auto``: the activation's own, ``activation.init`` (``he`` for a ReLU, ``xavier`` otherwise).

    >>> from bpcourse.activations import ReLU
    >>> W = init_weight(np.random.default_rng(0), 400, 300, "auto", ReLU())
    >>> W.shape, round(float(W.std()) ** 2 * 400, 1)
    ((400, 300), 2.0)
    """
    if scheme == "auto":
        scheme = activation.init
    if scheme == "uniform":
        return rng.uniform(-scale, scale, size=(fan_in, fan_out))
    if scheme == "xavier":
        r = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-r, r, size=(fan_in, fan_out))
    if scheme == "he":
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
    raise ValueError(f"init: expected one of {', '.join(INITS)}, got {scheme!r}")

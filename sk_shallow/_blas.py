"""Two BLAS level-1 kernels on flat float arrays: fused in-place updates, no temporaries.

The optimisers and the L2 penalty update ``n_params`` numbers per batch. NumPy
spells ``y += a * x`` as a scratch array for ``a * x`` and a second pass to add
it; BLAS reads ``x`` and ``y`` once and writes ``y`` once. Anything but two
contiguous 1-D arrays of one float dtype takes the NumPy route.
"""

import numpy as np
from scipy.linalg.blas import get_blas_funcs

_AXPY = {np.dtype(dt): get_blas_funcs("axpy", dtype=dt) for dt in (np.float32, np.float64)}
_ROT = {np.dtype(dt): get_blas_funcs("rot", dtype=dt) for dt in (np.float32, np.float64)}


def _blas_ready(x, y):
    return (x.dtype == y.dtype and x.ndim == y.ndim == 1
            and x.flags.c_contiguous and y.flags.c_contiguous)


def axpy(a, x, y):
    """``y += a * x`` in place, in one pass; returns ``y``."""
    blas = _AXPY.get(y.dtype)
    if blas is not None and _blas_ready(x, y):
        blas(x, y, a=a)  # y is intent(in,out): updated in place
    else:
        y += a * x
    return y


def moving_average(x, c, y, s):
    """``x = c x + s y`` in place, in one pass; ``y`` is left holding garbage.

    BLAS ``rot`` (a plane rotation) computes ``c x + s y`` and ``c y - s x``
    together, reading each array once, where ``x *= c; x += s y`` takes two
    passes: Adam's second moment ``v = b2 v + (1 - b2) g^2`` in one call.
    """
    blas = _ROT.get(x.dtype)
    if blas is not None and _blas_ready(x, y):
        blas(x, y, c, s, overwrite_x=1, overwrite_y=1)
    else:
        x *= c
        axpy(s, y, x)
    return x

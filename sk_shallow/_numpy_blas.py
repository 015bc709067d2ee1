"""NumPy's own BLAS, for the scaled adds the optimisers make on every batch.

NumPy has no ufunc for ``y = a x + b y``: spelt with ufuncs it is two or three
passes over the parameters and a temporary. BLAS does it in one pass, and its
``axpy`` splits a long vector over the threads of the pool. It must be NumPy's
pool: scipy's BLAS is a second OpenBLAS whose threads, spinning between
calls, took the cores from NumPy's (issue 18: fits 8 to 37 times slower at
default threads). So this module binds only the library NumPy has already
loaded, never loads one (``RTLD_NOLOAD``), and only the ILP64 build NumPy's
wheels ship (``scipy_openblas64_``, symbols ``scipy_cblas_daxpy64_`` and so on,
with 64-bit integers). With any other NumPy (MKL, Accelerate, a system BLAS)
``LIBRARY`` is None and the callers use ufuncs.

Both scaled adds take contiguous 1-D arrays of one float dtype, at least
``SHORTEST`` long, and return False, doing nothing, for anything else.
``threads()`` reads the pool's thread count, for work split by the cores.
"""

import ctypes
import glob
import os

import numpy as np

# Below this many numbers a ctypes call costs more than the ufunc passes it
# saves (measured, one thread: 16384 float64, 6.3 us against 5.7; 32768, 9.9
# against 13.0); a small network's parameters stay with ufuncs.
SHORTEST = 32768
_SUFFIX = "64_"
_PREFIXES = ("scipy_", "")  # scipy-openblas64 (NumPy >= 2), openblas64_ (NumPy 1.x)


def _numpy_library_files():
    """OpenBLAS files bundled with NumPy: numpy.libs (Linux, Windows), numpy/.dylibs (macOS)."""
    package = os.path.dirname(np.__file__)
    folders = [os.path.join(os.path.dirname(package), "numpy.libs"),
               os.path.join(package, ".dylibs")]
    return sorted(path for folder in folders
                  for path in glob.glob(os.path.join(folder, "*openblas64*")))


def _bind(path):
    """The ctypes routines of one already loaded library, or None."""
    # RTLD_NOLOAD: a handle to the copy NumPy loaded, or an error; never a second copy
    mode = getattr(os, "RTLD_NOLOAD", 0) | ctypes.RTLD_LOCAL
    try:
        library = ctypes.CDLL(path, mode=mode)
    except OSError:
        return None
    integer, pointer = ctypes.c_int64, ctypes.c_void_p
    for prefix in _PREFIXES:
        routines = {}
        try:
            for dtype, letter, real in ((np.float64, "d", ctypes.c_double),
                                        (np.float32, "s", ctypes.c_float)):
                axpy = getattr(library, f"{prefix}cblas_{letter}axpy{_SUFFIX}")
                axpby = getattr(library, f"{prefix}cblas_{letter}axpby{_SUFFIX}")
                axpy.argtypes = [integer, real, pointer, integer, pointer, integer]
                axpby.argtypes = [integer, real, pointer, integer, real, pointer, integer]
                axpy.restype = axpby.restype = None
                routines[np.dtype(dtype)] = (axpy, axpby)
            threads = getattr(library, f"{prefix}openblas_get_num_threads{_SUFFIX}")
            threads.argtypes, threads.restype = [], ctypes.c_int
        except AttributeError:
            continue  # not this library's naming
        return path, routines, threads
    return None


def _find():
    if os.environ.get("SK_SHALLOW_NUMPY_BLAS", "1") == "0":
        return None, {}, None
    for path in _numpy_library_files():
        bound = _bind(path)
        if bound is not None:
            return bound
    return None, {}, None


LIBRARY, _ROUTINES, _THREADS = _find()


def threads():
    """The threads NumPy's BLAS uses now (threadpoolctl's limits included); 1 if unknown."""
    return _THREADS() if _THREADS is not None else 1


def _routines(x, y):
    if (type(x) is not np.ndarray or type(y) is not np.ndarray or x.ndim != 1
            or x.shape != y.shape or x.shape[0] < SHORTEST or x.dtype != y.dtype
            or not (x.flags.c_contiguous and y.flags.c_contiguous and y.flags.writeable)):
        return None
    return _ROUTINES.get(x.dtype)


def axpy(alpha, x, y):
    """``y += alpha x`` in one pass (threaded for long vectors); False if not applicable."""
    routines = _routines(x, y)
    if routines is None:
        return False
    routines[0](x.shape[0], alpha, x.ctypes.data, 1, y.ctypes.data, 1)
    return True


def axpby(alpha, x, beta, y):
    """``y = alpha x + beta y`` in one pass; False if not applicable."""
    routines = _routines(x, y)
    if routines is None:
        return False
    routines[1](x.shape[0], alpha, x.ctypes.data, 1, beta, y.ctypes.data, 1)
    return True

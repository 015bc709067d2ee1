"""Array namespaces: the library and device the data live on, and the helpers that keep NumPy fast.

The core's formulas are written once, against ``xp``, the namespace of the data
(NumPy, torch, CuPy, array-api-strict, through array-api-compat):
``Z1 = xp.matmul(X, W1, out=work.Z1)`` is the same line for every library.
``xp`` passes the standard's functions and dtypes through (``xp.where``,
``xp.sum``, ``xp.float32``) and adds a few helpers:

- Element-wise functions and ``matmul`` take ``out=``, an array the caller
  owns. NumPy writes the result there and allocates nothing; every other
  library computes a new array and, where ``out`` is given, copies it in. A
  fit's workspace holds buffers on NumPy only, so that elsewhere the device
  allocator serves the temporaries, and ``out`` means a view the caller reads
  back (a gradient in the flat buffer, say).
- The functions the standard lacks (SciPy's ``expit``, ``logsumexp``,
  ``xlogy``, and each row's entry at a class index) are SciPy and flat
  indices on NumPy, stable array-API formulas elsewhere.
- Moving arrays between the host and the device: random draws stay on the host
  (NumPy), so a seed gives the same model on every library.
"""

import functools
import sys

import array_api_compat
import array_api_compat.numpy as numpy_compat
import numpy as np
import scipy.sparse as sp
import scipy.special

from . import _numpy_blas

# element-wise functions of the standard that the formulas call with out=
_ELEMENTWISE = ("exp", "log", "log1p", "expm1", "sqrt", "tanh", "abs", "negative", "add",
                "subtract", "multiply", "divide", "maximum", "minimum", "logaddexp")
_SCALARS = (int, float)


def _put(out, value):
    if out is None:
        return value
    out[...] = value
    return out


def _with_out(name):
    def function(self, *args, out=None):
        return _put(out, getattr(self.xp, name)(*args))

    function.__name__ = name
    function.__doc__ = f"``{name}``, written into ``out`` when given."
    return function


class Namespace:
    """The namespace ``xp`` of some arrays and their ``device``, with the core's helpers."""

    is_numpy = False

    def __init__(self, xp, device):
        self.xp = xp
        self.device = device
        self.name = xp.__name__.removeprefix("array_api_compat.")

    def __getattr__(self, name):
        # the standard's functions and dtypes
        return getattr(self.xp, name)

    def __repr__(self):
        return f"Namespace({self.name}, device={self.device!r})"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    # ------------------------------------------------------------ buffers
    def buffer(self, shape, dtype):
        """A scratch array to write results into where that saves allocations (NumPy), else None."""
        # no buffers: results are new arrays

    def reuse(self, A):
        """``A`` as the ``out`` of a result that may overwrite it (NumPy), else None."""
        # no buffers: results are new arrays

    # ------------------------------------------------------------ products, copies
    def matmul(self, A, B, out=None):
        return _put(out, A @ B)

    def take_rows(self, A, indices, out=None):
        """``A[indices]``, the rows ``indices (n,)`` of ``A``. ``out`` is a buffer NumPy
        gathers into (its first n rows); other libraries return a new array."""
        return self.xp.take(A, indices, axis=0)

    def copy(self, A):
        return self.xp.asarray(A, copy=True)

    def at_least(self, Z, value, out=None):
        """1.0 where ``Z >= value``, 0.0 elsewhere, in Z's dtype."""
        return _put(out, self.xp.astype(Z >= value, Z.dtype))

    def where(self, condition, A, B, out=None):
        return _put(out, self.xp.where(condition, A, B))

    # ------------------------------------------------------------ scaled adds, in place
    # ``scratch`` (x's shape) holds ``alpha x`` where a library needs it; it may
    # be x itself, which is then overwritten.
    def axpy(self, alpha, x, y, scratch=None):
        """``y += alpha x`` in place; returns y."""
        y += self.multiply(x, alpha, out=scratch)
        return y

    def axpby(self, alpha, x, beta, y, scratch=None):
        """``y = alpha x + beta y`` in place; returns y."""
        y *= beta
        y += self.multiply(x, alpha, out=scratch)
        return y

    # A Python scalar stays a scalar: array-api-compat turns one into a device
    # array for some functions, a host-to-device copy that waits for the GPU.
    def add(self, A, B, out=None):
        return _put(out, A + B)

    def subtract(self, A, B, out=None):
        return _put(out, A - B)

    def multiply(self, A, B, out=None):
        return _put(out, A * B)

    def divide(self, A, B, out=None):
        return _put(out, A / B)

    def maximum(self, A, B, out=None):
        if isinstance(B, _SCALARS):
            return _put(out, self.xp.clip(A, min=B))
        return _put(out, self.xp.maximum(A, B))

    def minimum(self, A, B, out=None):
        if isinstance(B, _SCALARS):
            return _put(out, self.xp.clip(A, max=B))
        return _put(out, self.xp.minimum(A, B))

    def logaddexp(self, A, B, out=None):
        if isinstance(A, _SCALARS):
            A = self.xp.full_like(B, A)
        return _put(out, self.xp.logaddexp(A, B))

    # ------------------------------------------------------------ special functions
    def expit(self, Z, out=None):
        """The sigmoid ``1 / (1 + e^-z)``, from ``e^-|z|`` so that nothing overflows."""
        xp = self.xp
        e = xp.exp(-xp.abs(Z))
        return _put(out, xp.where(Z >= 0, 1 / (1 + e), e / (1 + e)))

    def log_expit(self, Z):
        """``log sigmoid(z) = -log(1 + e^-z)``."""
        return -self.logaddexp(0.0, -Z)

    def logsumexp(self, Z, axis, keepdims=False):
        shift = self.xp.max(Z, axis=axis, keepdims=True)
        total = self.xp.log(self.xp.sum(self.xp.exp(Z - shift), axis=axis, keepdims=True))
        result = total + shift
        return result if keepdims else self.xp.squeeze(result, axis=axis)

    def xlogy(self, X, Y):
        """``x log y``, 0 where ``x = 0``."""
        safe = self.xp.where(X == 0, self.xp.ones_like(Y), Y)
        return X * self.xp.log(safe)

    # ------------------------------------------------------------ one entry per row
    def row_max(self, Z):
        """Each row's largest entry, shape ``(n_rows,)``."""
        return self.xp.max(Z, axis=1)

    def row_sum(self, Z):
        return self.xp.sum(Z, axis=1)

    def at_index(self, Z, indices):
        """``Z[i, indices[i]]`` for each row ``i``, shape ``(n_rows,)``."""
        return self.xp.take_along_axis(Z, self.xp.reshape(indices, (-1, 1)), axis=1)[:, 0]

    def subtract_one_at(self, Z, indices):
        """``Z[i, indices[i]] -= 1`` for each row ``i``, in place: ``Z - onehot(indices)``."""
        xp = self.xp
        classes = xp.arange(Z.shape[1], device=self.device)
        Z -= xp.astype(xp.reshape(indices, (-1, 1)) == classes, Z.dtype)
        return Z

    # ------------------------------------------------------------ host and device
    def from_host(self, A, dtype=None):
        """A NumPy array (or scalar) as an array of this namespace, on this device."""
        return self.xp.asarray(A, dtype=dtype, device=self.device)

    def to_host(self, A):
        """``A`` as a NumPy array."""
        return to_numpy(A)

    def empty(self, shape, dtype):
        return self.xp.empty(shape, dtype=dtype, device=self.device)

    def zeros(self, shape, dtype):
        return self.xp.zeros(shape, dtype=dtype, device=self.device)

    def ones(self, shape, dtype):
        return self.xp.ones(shape, dtype=dtype, device=self.device)

    def widest(self, x):
        """``x`` in the widest float dtype of the device: float64 sums of float32 terms."""
        return self.xp.astype(x, float_dtypes(self)[0])

    def eps(self, dtype):
        return float(self.xp.finfo(dtype).eps)

    def largest(self, dtype):
        return float(self.xp.finfo(dtype).max)


for _name in _ELEMENTWISE:
    if _name not in vars(Namespace):
        setattr(Namespace, _name, _with_out(_name))


class NumPyNamespace(Namespace):
    """NumPy and SciPy sparse matrices: results written into the caller's buffers."""

    is_numpy = True

    def __init__(self):
        super().__init__(numpy_compat, "cpu")
        self.name = "numpy"

    def __reduce__(self):
        return "NUMPY"  # the module's one instance

    # the standard's reductions and reshape as ndarray methods: NumPy's module
    # functions add a wrapper that is most of a one-row prediction's cost
    @staticmethod
    def max(A, axis=None, keepdims=False):
        return A.max(axis=axis, keepdims=keepdims)

    @staticmethod
    def sum(A, axis=None, keepdims=False):
        return A.sum(axis=axis, keepdims=keepdims)

    @staticmethod
    def reshape(A, shape):
        return A.reshape(shape)

    def buffer(self, shape, dtype):
        return np.empty(shape, dtype=dtype)

    def reuse(self, A):
        return A

    def matmul(self, A, B, out=None):
        if out is None:
            return A @ B
        if isinstance(A, np.ndarray) and isinstance(B, np.ndarray):
            return np.matmul(A, B, out=out)
        return _put(out, A @ B)  # sparse X, or X.T: scipy's ``@`` returns a new array

    def take_rows(self, A, indices, out=None):
        if out is None or not isinstance(A, np.ndarray):
            return A[indices]
        # mode="clip" skips the bounds check that makes the default mode copy twice
        return np.take(A, indices, axis=0, out=out[: indices.shape[0]], mode="clip")

    def copy(self, A):
        return A.copy()

    # NumPy's own BLAS, one pass (threaded for axpy) where two or three ufuncs
    # would read and write the parameters; ufuncs where it is not bound
    def axpy(self, alpha, x, y, scratch=None):
        if _numpy_blas.axpy(alpha, x, y):
            return y
        return super().axpy(alpha, x, y, scratch)

    def axpby(self, alpha, x, beta, y, scratch=None):
        if _numpy_blas.axpby(alpha, x, beta, y):
            return y
        return super().axpby(alpha, x, beta, y, scratch)

    def at_least(self, Z, value, out=None):
        if out is None:
            return (Z >= value).astype(Z.dtype)
        # bool -> float is a safe cast: the comparison writes straight into out
        return np.greater_equal(Z, value, out=out)

    def widest(self, x):
        return np.float64(x)

    def expit(self, Z, out=None):
        return scipy.special.expit(Z, out=out)

    def log_expit(self, Z):
        return scipy.special.log_expit(Z)

    def logsumexp(self, Z, axis, keepdims=False):
        return scipy.special.logsumexp(Z, axis=axis, keepdims=keepdims)

    def xlogy(self, X, Y):
        return scipy.special.xlogy(X, Y)

    # Flat positions: on a 200 x 10 batch one take of each row's max and true
    # logit costs half of a row-wise max and Z[rows, y] (measured).
    @staticmethod
    def _flat_positions(Z, indices):
        return _row_starts(*Z.shape) + indices

    def row_max(self, Z):
        Z = np.ascontiguousarray(Z)
        return Z.reshape(-1).take(self._flat_positions(Z, Z.argmax(axis=1)))

    def row_sum(self, Z):
        # a product with ones: BLAS, a third of np.sum's time on a batch (measured)
        return Z @ _constant_ones(Z.shape[1], Z.dtype)

    def at_index(self, Z, indices):
        Z = np.ascontiguousarray(Z)
        return Z.reshape(-1).take(self._flat_positions(Z, indices))

    def subtract_one_at(self, Z, indices):
        if not Z.flags.c_contiguous:
            Z[np.arange(Z.shape[0]), indices] -= 1
            return Z
        Z.reshape(-1)[self._flat_positions(Z, indices)] -= 1
        return Z

    def from_host(self, A, dtype=None):
        return np.asarray(A, dtype=dtype)

    def empty(self, shape, dtype):
        return np.empty(shape, dtype=dtype)

    def zeros(self, shape, dtype):
        return np.zeros(shape, dtype=dtype)

    def ones(self, shape, dtype):
        return np.ones(shape, dtype=dtype)


for _name in _ELEMENTWISE:
    setattr(NumPyNamespace, _name, staticmethod(getattr(np, _name)))
NumPyNamespace.where = Namespace.where  # np.where has no out=


# Made once per batch shape, not once per batch: read-only, since they are shared.
@functools.lru_cache(maxsize=32)
def _row_starts(n_rows, n_cols):
    """The flat position of each row's first entry in a C-ordered (n_rows, n_cols) array."""
    return _read_only(np.arange(0, n_rows * n_cols, n_cols))


@functools.lru_cache(maxsize=32)
def _constant_ones(n, dtype):
    return _read_only(np.ones(n, dtype=dtype))


def _read_only(A):
    A.flags.writeable = False
    return A


class TorchNamespace(Namespace):
    """torch: the same helpers in fewer kernels, which a GPU's launch cost rewards.

    At a batch of 200 the launches, not the arithmetic, set a GPU's time:
    products go straight into the gradient's views, and one gather or scatter
    does what the standard spells in three or four kernels.
    """

    def matmul(self, A, B, out=None):
        if out is None:
            return A @ B
        torch = sys.modules["torch"]
        if A.ndim == 1:  # a row vector times B: matmul would write a (1, n) result
            return torch.mv(B.T, A, out=out)
        return torch.matmul(A, B, out=out)

    def take_rows(self, A, indices, out=None):
        # array-api-compat's take adds a pass for negative indices, which rows never are
        return A.index_select(0, indices)

    def axpy(self, alpha, x, y, scratch=None):
        return y.add_(x, alpha=alpha)

    def axpby(self, alpha, x, beta, y, scratch=None):
        return y.mul_(beta).add_(x, alpha=alpha)

    def at_index(self, Z, indices):
        return Z.gather(1, indices[:, None])[:, 0]

    def subtract_one_at(self, Z, indices):
        return Z.scatter_add_(1, indices[:, None], Z.new_full((Z.shape[0], 1), -1.0))


NUMPY = NumPyNamespace()
_NAMESPACES = {}  # (array-api-compat namespace, device) -> Namespace
_BY_TYPE = {}  # array type -> array-api-compat namespace: the fast path of the hot loop


def namespace_of(*arrays):
    """The ``Namespace`` of ``arrays`` (None entries are skipped).

    NumPy arrays, SciPy sparse matrices and Python scalars give ``NUMPY``; any
    other array library its array-API namespace (through array-api-compat) and
    the device of the first array.
    """
    if len(arrays) == 1:  # the formulas' call: one array, a type seen before
        kind = type(arrays[0])
        if kind is np.ndarray:
            return NUMPY
        if kind in _BY_TYPE:
            return _bound(_BY_TYPE[kind], arrays[0].device)
    arrays = [a for a in arrays if a is not None and not isinstance(a, (int, float))]
    if all(type(a) is np.ndarray or sp.issparse(a) or isinstance(a, np.generic)
           for a in arrays):
        return NUMPY
    xp = array_api_compat.array_namespace(*arrays)
    if array_api_compat.is_numpy_namespace(xp):
        return NUMPY
    if len({type(a) for a in arrays}) == 1:
        _BY_TYPE[type(arrays[0])] = xp
    return _bound(xp, array_api_compat.device(arrays[0]))


def _bound(xp, device):
    key = (id(xp), _hashable(device))
    bound = _NAMESPACES.get(key)  # one lookup: the formulas' calls land here
    if bound is None:
        kind = TorchNamespace if array_api_compat.is_torch_namespace(xp) else Namespace
        bound = _NAMESPACES[key] = kind(xp, device)
    return bound


def _hashable(device):
    """``device``, or its repr where it has no hash (CuPy's ``Device`` defines ``==`` only)."""
    try:
        hash(device)
    except TypeError:
        return (type(device), repr(device))
    return device


def to_numpy(A):
    """Any array as a NumPy array (copied from the device where it lives on one)."""
    if A is None or isinstance(A, np.ndarray) or sp.issparse(A):
        return A
    if array_api_compat.is_torch_array(A):
        return A.detach().cpu().numpy()
    if array_api_compat.is_cupy_array(A):
        return A.get()
    return np.from_dlpack(A) if hasattr(A, "__dlpack__") else np.asarray(A)


def float_dtypes(xp):
    """The floating dtypes the namespace's device computes in, widest first."""
    if xp.is_numpy:
        return [np.dtype(np.float64), np.dtype(np.float32)]
    if "float_dtypes" not in xp.__dict__:
        available = xp.__array_namespace_info__().dtypes(device=xp.device,
                                                          kind="real floating")
        xp.float_dtypes = [available[name] for name in ("float64", "float32")
                           if name in available]
    return xp.float_dtypes


def index_dtype(xp):
    """The integer dtype of class indices on the namespace's device."""
    if xp.is_numpy:
        return np.dtype(np.intp)
    return xp.__array_namespace_info__().default_dtypes(device=xp.device)["indexing"]


def host_dtype(dtype):
    """The NumPy dtype (float32 or float64) of a float dtype of any namespace."""
    for name in ("float64", "float32"):
        if str(dtype).endswith(name):
            return np.dtype(name)
    raise ValueError(f"not a float32 or float64 dtype: {dtype}")


def holds_numbers(A):
    """Whether ``A`` holds numbers (every non-NumPy array does; NumPy's may hold strings)."""
    return not isinstance(A, np.ndarray) or A.dtype.kind in "biuf"

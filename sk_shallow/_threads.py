"""One BLAS thread pool at work while L-BFGS trains: NumPy's.

scipy's wheels bundle an OpenBLAS of their own beside NumPy's, with a thread
pool sized to every core. scipy's L-BFGS-B calls it between the objective's
matrix products, which run on NumPy's pool, and the threads of each pool spin
while the other works: on 2 cores an L-BFGS fit took twice the wall time at
default threads (scikit-learn's MLP too). While L-BFGS runs, scipy's own pool
is held at one thread; its work there is a few passes over the parameter
vector. A scipy that shares NumPy's BLAS (conda, Linux distributions) has no
pool of its own, and nothing changes.
"""

import contextlib
import os

import scipy
from threadpoolctl import ThreadpoolController


def scipy_own_blas():
    """File paths of the BLAS libraries that scipy's installation bundles for itself."""
    root = os.path.dirname(os.path.abspath(scipy.__file__))
    # the wheels' vendored libraries: scipy.libs/ (Linux, Windows), scipy/.dylibs/ (macOS)
    own_dirs = (root + os.sep, root + ".libs" + os.sep)
    return [lib.filepath for lib in ThreadpoolController().lib_controllers
            if lib.user_api == "blas" and os.path.abspath(lib.filepath).startswith(own_dirs)]


def scipy_blas_single_threaded():
    """A context in which scipy's own BLAS pool (if it has one) runs one thread."""
    own = scipy_own_blas()
    if not own:
        return contextlib.nullcontext()
    return ThreadpoolController().select(filepath=own).limit(limits=1)

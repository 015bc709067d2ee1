#!/usr/bin/env bash
# The GPU and many-core figures in one short run, on a machine with a CUDA GPU and
# torch. Writes its reports under $OUT (default: ./device-out), eight files at most:
#   steps.txt       versions, cores, GPU, each step's start, NumPy-BLAS axpy timings
#   tests_cuda.txt  the array API tests, the warnings on torch, the README's GPU
#                   example and scikit-learn's array API checks, on torch CUDA and CuPy
#   cpu16.*         benchmarks/bench_mlp.py at default threads on all cores (short protocol)
#   gpu.*           benchmarks/bench_gpu.py: sk_shallow on the GPU against a torch loop and MLP
# Each step has its own time limit; the benchmarks print every result to their .log
# as it comes, so a step cut short still leaves its finished rounds.
# Wheels in .whl/ (scikit-learn, array-api-compat, ...) are installed first where present.
# DEVICE_CHECK_QUICK=1 runs the same steps on tiny data and torch's CPU (a smoke test).
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-device-out}
mkdir -p "$OUT"
STEPS="$OUT/steps.txt"
step() { echo "[$SECONDS s] $*" | tee -a "$STEPS"; }

if ls .whl/*.whl >/dev/null 2>&1; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/site
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" SCIPY_ARRAY_API=1 PYTHONUNBUFFERED=1
if [ "${DEVICE_CHECK_QUICK:-0}" = 1 ]; then
    DEVICE=cpu QUICK=--quick RUNS=1 CPU_LIMIT=200
else
    DEVICE=cuda QUICK= RUNS=3 CPU_LIMIT=300
fi

step "versions"
python3 -c "import sklearn, scipy, torch, numpy, os; print('sklearn', sklearn.__version__, 'scipy', scipy.__version__, 'torch', torch.__version__, 'numpy', numpy.__version__, 'cuda', torch.cuda.is_available(), 'cores', os.cpu_count())" >>"$STEPS" 2>&1
grep -m1 "model name" /proc/cpuinfo >>"$STEPS" 2>&1
nvidia-smi -L >>"$STEPS" 2>&1

step "tests on $DEVICE"
SK_SHALLOW_TORCH_DEVICE=$DEVICE timeout 150 python3 -m pytest -q -p no:cacheprovider \
    -o addopts="" -rs tests/test_array_api.py tests/test_warnings.py tests/test_readme.py \
    tests/test_sklearn_checks.py -k "torch or cupy or gpu" >"$OUT/tests_cuda.txt" 2>&1
tail -n 3 "$OUT/tests_cuda.txt" >>"$STEPS"

step "NumPy-BLAS axpy against ufuncs, default threads"
timeout 60 python3 - >>"$STEPS" 2>&1 <<'EOF'
import timeit
import numpy as np
from sk_shallow import _numpy_blas
from sk_shallow._arrays import namespace_of
from threadpoolctl import threadpool_info

print("binding:", _numpy_blas.LIBRARY, [(p["internal_api"], p["num_threads"]) for p in threadpool_info()])
xp = namespace_of(np.zeros(1))
for dtype in (np.float64, np.float32):
    x, y, scratch = (np.random.default_rng(0).random(79510).astype(dtype) for _ in range(3))
    blas = min(timeit.repeat(lambda: xp.axpy(0.5, x, y, scratch), number=200, repeat=5)) / 200
    ufunc = min(timeit.repeat(lambda: (np.multiply(x, 0.5, out=scratch), np.add(y, scratch, out=y)),
                              number=200, repeat=5)) / 200
    print(f"{np.dtype(dtype).name} n=79510: axpy {blas * 1e6:.1f} us, two ufuncs {ufunc * 1e6:.1f} us")
EOF

step "bench_mlp at default threads"
timeout $CPU_LIMIT python3 benchmarks/bench_mlp.py $QUICK --threads default --runs $RUNS \
    --epochs 2 --lbfgs-iter 10 --data-dir /tmp/bdata --json "$OUT/cpu16.json" \
    --only mlp-adam-f64,sk-adam-f64,mlp-adam-f32,sk-adam-f32,sk-adam-f64X-f32,mlp-sgd-f64,sk-sgd-f64,mlp-lbfgs-f64,sk-lbfgs-f64,sk-lbfgs-f64X-f32,mlpreg-adam-f64,skreg-adam-f64,skreg-adam-f64X-f32,mlp-proba,sk-proba \
    >"$OUT/cpu16.md" 2>"$OUT/cpu16.log"
step "bench_mlp rc $?"

step "bench_gpu on $DEVICE"
timeout 150 python3 benchmarks/bench_gpu.py $QUICK --device $DEVICE --runs $RUNS --epochs 5 \
    --json "$OUT/gpu.json" >"$OUT/gpu.md" 2>"$OUT/gpu.log"
step "bench_gpu rc $?"

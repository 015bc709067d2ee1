#!/usr/bin/env bash
# The GPU and many-core figures in one short run, on a machine with a CUDA GPU and
# torch: the GPU and 16-core figures benchmarks/README.md is waiting for (no such
# machine has run it yet). Writes its reports under $OUT (default: ./device-out).
#   1. the array API tests and scikit-learn's array API checks on torch CUDA;
#   2. benchmarks/bench_gpu.py: sk_shallow on the GPU against a torch loop and MLP;
#   3. benchmarks/bench_mlp.py at default threads on the machine's cores (short protocol).
# Wheels in .whl/ (scikit-learn, array-api-compat) are installed first where present.
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-device-out}
mkdir -p "$OUT"
if ls .whl/*.whl >/dev/null 2>&1; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/site
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" SCIPY_ARRAY_API=1 PYTHONUNBUFFERED=1
python3 -c "import sklearn, torch, numpy; print('sklearn', sklearn.__version__, 'torch', torch.__version__, 'numpy', numpy.__version__, 'cuda', torch.cuda.is_available(), 'cores', __import__('os').cpu_count())" | tee "$OUT/versions.txt"

SK_SHALLOW_TORCH_DEVICE=cuda timeout 120 python3 -m pytest -q -p no:cacheprovider \
    -o addopts="" tests/test_array_api.py -k torch 2>&1 | tail -n 15 | tee "$OUT/tests_cuda.txt"
timeout 90 python3 -m pytest -q -p no:cacheprovider -o addopts="" -rs \
    tests/test_sklearn_checks.py -k "array_api and (cuda or cupy)" 2>&1 | tail -n 15 \
    | tee -a "$OUT/tests_cuda.txt"

timeout 150 python3 benchmarks/bench_gpu.py --device cuda --runs 3 --epochs 5 \
    --json "$OUT/gpu.json" 2>"$OUT/gpu.log" | tee "$OUT/gpu.md"

timeout 220 python3 benchmarks/bench_mlp.py --threads default --runs 3 --epochs 3 \
    --lbfgs-iter 15 --data-dir /tmp/bdata --json "$OUT/cpu16.json" \
    --only mlp-adam-f64,sk-adam-f64,mlp-adam-f32,sk-adam-f32,sk-adam-f64X-f32,mlp-sgd-f64,sk-sgd-f64,mlp-lbfgs-f64,sk-lbfgs-f64,sk-lbfgs-f64X-f32,mlpreg-adam-f64,skreg-adam-f64,skreg-adam-f64X-f32,mlp-proba,sk-proba \
    2>"$OUT/cpu16.log" | tee "$OUT/cpu16.md"

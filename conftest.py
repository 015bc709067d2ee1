"""Root conftest: loaded before any test module, so before scipy is imported.

scikit-learn's ``check_array_api_input`` (run on every estimator by
``check_estimator``) checks that enabling array-API dispatch leaves results
unchanged; it needs ``SCIPY_ARRAY_API=1`` set before scipy is first imported,
and skips otherwise. Setting it here makes that check run instead of skip.
"""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")

# A sweep through microheal's sbatch script on a private single-node SLURM (tests/slurm_local.sh);
# skipped (77) where SLURM is not installed or cannot start.
mh_python_test(slurm LABELS sweep SCRIPT tests/test_slurm.py)
set_tests_properties(slurm PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)

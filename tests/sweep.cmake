# Parameter sweeps (issue 5): the sweep file's checks, points, rank independence of the table,
# resume after SIGKILL and SIGUSR1, batches and gathering, failing points.
mh_python_test(sweep LABELS sweep SCRIPT tests/test_sweep.py PROCESSORS 2)

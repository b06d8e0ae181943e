# Checkpoints, restarts, signals and job-time limits (tests/fault_restart.py), and runs killed
# with SIGKILL at 10 seeded moments and before 48 of their writes (tests/fault_kill.py): the
# output opens, nothing written is lost, and the last checkpoint restarts.
mh_python_test(fault_restart LABELS fault PROCESSORS 2 SCRIPT tests/fault_restart.py)
mh_python_test(fault_kill LABELS fault SCRIPT tests/fault_kill.py ARGS 10 48)
set_tests_properties(fault_kill PROPERTIES TIMEOUT 600)
# The file-handling battery (label fault): symbolic links at every name microheal writes, existing
# outputs and checkpoints, restarts from files of another run or no checkpoint at all, full disks,
# concurrent runs and sweeps on one output, stale Open MPI semaphores, signals, options files
# including themselves: one line and nothing destroyed, on 1 and 2 ranks.
mh_python_test(fault_files LABELS fault PROCESSORS 2 SCRIPT tests/fault_files.py)
set_tests_properties(fault_files PROPERTIES TIMEOUT 600)

# Checkpoints, restarts, signals and job-time limits (tests/fault_restart.py), and runs killed
# with SIGKILL at 10 seeded moments (tests/fault_kill.py): nothing written is lost, and the last
# checkpoint restarts.
mh_python_test(fault_restart LABELS fault PROCESSORS 2 SCRIPT tests/fault_restart.py)
mh_python_test(fault_kill LABELS fault SCRIPT tests/fault_kill.py ARGS 10)

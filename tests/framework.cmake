# Framework tests: operators, convergence, parallel, the executable's behaviour.
mh_c_test(test_operators SOURCE tests/test_operators.c LABELS unit)
mh_c_test(test_operators SOURCE tests/test_operators.c LABELS "unit;parallel" RANKS 3)
mh_c_test(test_convergence SOURCE tests/test_convergence.c LABELS convergence)
mh_c_test(test_parallel SOURCE tests/test_parallel.c LABELS parallel RANKS 2)
mh_c_test(test_parallel SOURCE tests/test_parallel.c LABELS parallel RANKS 4)
mh_python_test(test_cli LABELS regression SCRIPT tests/test_cli.py)
mh_python_test(test_output_parallel LABELS parallel SCRIPT tests/test_output_parallel.py PROCESSORS 2)

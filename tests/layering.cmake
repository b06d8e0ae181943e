# The layering of sim/ (sim/README.md): includes and calls only downwards.
mh_python_test(layering LABELS unit SCRIPT tests/layering.py)
set_tests_properties(layering PROPERTIES TIMEOUT 60)

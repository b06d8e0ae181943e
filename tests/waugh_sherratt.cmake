# waugh_sherratt (models/waugh_sherratt): analytic Jacobian, and the well-mixed states of SCIENCE.md section 4.
mh_c_test(waugh_sherratt_jacobian SOURCE tests/waugh_sherratt_jacobian.c LABELS unit)
mh_python_test(waugh_sherratt_steady LABELS regression SCRIPT tests/waugh_sherratt_steady.py)

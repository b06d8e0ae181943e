# sherratt_murray (models/sherratt_murray): analytic Jacobian (unit); round wound in 2-D (regression).
# The slab healing-time regression (edge speed, linearity in R, mechanisms ordered) is tests/sm_healing.cmake.
mh_c_test(sherratt_murray_jacobian SOURCE tests/sherratt_murray_jacobian.c LABELS unit)
mh_python_test(sherratt_murray_circle LABELS regression SCRIPT tests/sherratt_murray_circle.py)

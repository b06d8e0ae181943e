# gray_scott (models/gray_scott): the solution of PETSc's tutorial ex5 at t = 10.
mh_python_test(gray_scott_ex5 LABELS regression SCRIPT tests/gray_scott_ex5.py)

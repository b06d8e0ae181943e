# scripts/sweep_plot.py on synthetic sweep summaries (grid with a failed point, LHS scatter, replicates,
# word-valued parameter): files written, numbers drawn equal the known function, cell colours follow the
# colour scale, missing points grey and counted; bad input fails in one line.
mh_python_test(sweep_plot LABELS sweep SCRIPT tests/test_sweep_plot.py)

# scripts/figures.py: time series, x-z sections and GIF of a small microneedling and a 1-D
# Fisher-KPP run (files written, not blank, one frame per output time); bad input fails in one line.
mh_python_test(figures LABELS regression SCRIPT tests/test_figures.py)

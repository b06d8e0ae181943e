"""The cases of tests/fault/fault_files.py, one module per class (A to G); helpers.py holds what they share."""

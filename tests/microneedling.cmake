# microneedling (models/microneedling): homeostasis, sessions, dose response, epidermis-only needles.
mh_python_test(microneedling_model LABELS regression SCRIPT tests/microneedling_model.py)

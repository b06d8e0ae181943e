# The bad-input battery (label fault): each case must stop at once with one "microheal: error:"
# line naming the option, the value and the allowed range, a nonzero status, no traceback or
# crash, and leave an existing good output untouched. Two cases at a time.
mh_python_test(fault_inputs LABELS fault SCRIPT tests/fault_inputs.py PROCESSORS 2)

# The code under AddressSanitizer and UBSan (label fault): a separate tree ${CMAKE_BINARY_DIR}/asan
# built with -fsanitize=address,undefined (incremental on reruns), its unit tests, short 1- and
# 2-rank microneedling runs and two error paths. Skipped when the compiler cannot sanitize.
mh_python_test(sanitizers LABELS fault SCRIPT tests/sanitizers.py ARGS ${CMAKE_BINARY_DIR}/asan --cc ${CMAKE_C_COMPILER}
               PROCESSORS 2)
set_tests_properties(sanitizers PROPERTIES SKIP_RETURN_CODE 77)

# clang-format --dry-run -Werror on every tracked .c and .h file (run with cmake -P by the format
# test of tests/style/CMakeLists.txt).
execute_process(COMMAND ${GIT} -C ${SRC} ls-files -- "*.c" "*.h" "*.c.in"
                OUTPUT_VARIABLE files OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "git ls-files failed in ${SRC}")
endif()
string(REPLACE "\n" ";" files "${files}")
list(FILTER files EXCLUDE REGEX "\\.c\\.in$")
list(LENGTH files n)
if(n LESS 10)
  message(FATAL_ERROR "only ${n} C files found under ${SRC}: not a microheal checkout?")
endif()
execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror ${files} WORKING_DIRECTORY ${SRC}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "not formatted as .clang-format says (run clang-format -i on these):\n${err}")
endif()

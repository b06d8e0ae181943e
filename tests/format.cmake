# House style: every C file tracked by git is formatted as .clang-format says.
find_program(MH_CLANG_FORMAT clang-format REQUIRED)
find_program(MH_GIT git REQUIRED)
mh_test(format LABELS style COMMAND ${CMAKE_COMMAND} -DCLANG_FORMAT=${MH_CLANG_FORMAT} -DGIT=${MH_GIT}
        -DSRC=${PROJECT_SOURCE_DIR} -P ${PROJECT_SOURCE_DIR}/tests/scripts/format_check.cmake)
set_tests_properties(format PROPERTIES TIMEOUT 120)

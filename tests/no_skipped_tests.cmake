# Fails when a test under tests/ can pass without running its assertions:
# a GoogleTest skip (the macro named below) or a test disabled by the
# DISABLED_ prefix. A test that skips exactly when its bug comes back can
# never fail; state the behaviour as an assertion instead.
#   cmake -DTESTS_DIR=<source>/tests -P no_skipped_tests.cmake
set(skip_macro "GTEST_")
string(APPEND skip_macro "SKIP")  # spelled in two parts so this file never matches itself
file(GLOB_RECURSE sources "${TESTS_DIR}/*.cpp" "${TESTS_DIR}/*.hpp" "${TESTS_DIR}/*.h"
     "${TESTS_DIR}/*.c" "${TESTS_DIR}/*.cc")
set(found "")
foreach(source IN LISTS sources)
  file(STRINGS "${source}" lines REGEX "${skip_macro}|TEST(_F|_P)?\\([A-Za-z0-9_]*DISABLED_|, *DISABLED_")
  foreach(line IN LISTS lines)
    string(STRIP "${line}" line)
    file(RELATIVE_PATH shown "${TESTS_DIR}/.." "${source}")
    string(APPEND found "  ${shown}: ${line}\n")
  endforeach()
endforeach()
if(found)
  message(FATAL_ERROR "tests that can pass without running (a skip or DISABLED_ test):\n${found}"
                      "Assert the behaviour instead, or delete the test if its bug is gone.")
endif()
message(STATUS "no skipped or disabled test in ${TESTS_DIR}")

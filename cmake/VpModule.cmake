# vp_add_module(NAME x SOURCES a.cpp ... [DEPS vp::core ...] [TESTS a_test.cpp ...] [TEST_DEPS ...] [TEST_LABELS unit db])
# Creates the static library vp_<name> (alias vp::<name>) and, when TESTS are given, the
# test executable vp_<name>_test registered with CTest under the given labels (default: unit),
# with the shipped messages installed (vp::test_messages).
function(vp_add_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;DEPS;TESTS;TEST_DEPS;TEST_LABELS" ${ARGN})
  set(lib vp_${M_NAME})
  add_library(${lib} STATIC ${M_SOURCES})
  add_library(vp::${M_NAME} ALIAS ${lib})
  target_include_directories(${lib} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/generated)
  target_link_libraries(${lib} PUBLIC ${M_DEPS})
  vp_set_warnings(${lib})
  if(VP_BUILD_TESTS AND M_TESTS)
    if(NOT M_TEST_LABELS)
      set(M_TEST_LABELS unit)
    endif()
    add_executable(${lib}_test ${M_TESTS})
    # vp::test_messages (src/core) installs the shipped messages before the tests run.
    target_link_libraries(${lib}_test PRIVATE ${lib} ${M_TEST_DEPS} vp::test_messages GTest::gtest GTest::gtest_main)
    vp_set_warnings(${lib}_test)
    gtest_discover_tests(${lib}_test PROPERTIES LABELS "${M_TEST_LABELS}" DISCOVERY_TIMEOUT 60)
  endif()
endfunction()


# vp_embed_files(<target> <function> <base-dir> <files...>): compiles the files into <target>,
# readable at run time through `vp::embedded::<function>()` (declare it where used).
function(vp_embed_files target func base)
  set(out ${PROJECT_BINARY_DIR}/generated/embedded_${func}.cpp)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DFUNC=${func} -DBASE=${base} "-DFILES=${ARGN}"
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    DEPENDS ${ARGN} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()

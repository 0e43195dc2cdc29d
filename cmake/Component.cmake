# SPDX-License-Identifier: Apache-2.0
# One function declares a component: its sources, the dojang components it may use (DEPS),
# third-party libraries (LIBS) and its tests. scripts/check-layering.sh reads the DEPS line, so
# an #include of a component that is not declared here fails CI.

set(DOJANG_WARNINGS
    -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
    $<$<COMPILE_LANGUAGE:CXX>:-Wold-style-cast> $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>
    $<$<COMPILE_LANGUAGE:CXX>:-Woverloaded-virtual> -Wimplicit-fallthrough -Wswitch-enum)
if(DOJANG_WERROR)
    list(APPEND DOJANG_WARNINGS -Werror)
endif()

add_library(dojang_options INTERFACE)
target_compile_options(dojang_options INTERFACE ${DOJANG_WARNINGS})
target_compile_definitions(dojang_options INTERFACE OPENSSL_API_COMPAT=30000 OPENSSL_NO_DEPRECATED)
if(DOJANG_SANITIZE)
    target_compile_options(dojang_options INTERFACE -fsanitize=address,undefined
                                                    -fno-sanitize-recover=undefined
                                                    -fno-omit-frame-pointer)
    target_link_options(dojang_options INTERFACE -fsanitize=address,undefined)
endif()

function(dojang_component name)
    cmake_parse_arguments(C "" "" "SOURCES;DEPS;LIBS;TESTS;TEST_LIBS" ${ARGN})
    set(target dojang_${name})
    if(C_SOURCES)
        add_library(${target} STATIC ${C_SOURCES})
        set(scope PUBLIC)
    else()
        add_library(${target} INTERFACE)
        set(scope INTERFACE)
    endif()
    target_include_directories(${target} ${scope} ${PROJECT_SOURCE_DIR}/src)
    list(TRANSFORM C_DEPS PREPEND dojang_ OUTPUT_VARIABLE deps)
    target_link_libraries(${target} ${scope} ${deps} ${C_LIBS})
    if(C_SOURCES)
        target_link_libraries(${target} PRIVATE dojang_options)
    endif()
    if(C_TESTS AND BUILD_TESTING)
        add_executable(${target}_test ${C_TESTS})
        target_link_libraries(${target}_test PRIVATE ${target} dojang_options dojang_testing
                                                     ${C_TEST_LIBS} GTest::gtest GTest::gtest_main)
        gtest_discover_tests(${target}_test DISCOVERY_MODE PRE_TEST
                             PROPERTIES ENVIRONMENT
                             "DOJANG_SOURCE_DIR=${PROJECT_SOURCE_DIR};DOJANG_BINARY_DIR=${PROJECT_BINARY_DIR}")
    endif()
endfunction()

# A libFuzzer target `name` (clang, built only with DOJANG_FUZZ=ON): SOURCE is its one
# `<name>_fuzz.cpp`, LIBS the dojang libraries it links. Its seeds and regression corpus live in
# fuzz-corpus/<name>/ beside it; scripts/fuzz-smoke.sh runs every such binary of a build.
function(dojang_fuzzer name)
    cmake_parse_arguments(F "" "SOURCE" "LIBS" ${ARGN})
    if(NOT DOJANG_FUZZ)
        return()
    endif()
    add_executable(${name} ${F_SOURCE})
    target_link_libraries(${name} PRIVATE ${F_LIBS} dojang_options)
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
endfunction()

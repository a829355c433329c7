# Compiler warnings and sanitizers shared by every callsim target.
add_library(callsim_options INTERFACE)
target_compile_options(callsim_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough)
if(CALLSIM_WERROR)
  target_compile_options(callsim_options INTERFACE -Werror)
endif()
if(CALLSIM_FUZZ)
  # libFuzzer coverage on every callsim library; ASan + UBSan, and a UB report is a crash.
  target_compile_options(callsim_options INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(callsim_options INTERFACE -fsanitize=address,undefined)
endif()
if(CALLSIM_SANITIZE)
  target_compile_options(callsim_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(callsim_options INTERFACE -fsanitize=address,undefined)
endif()

# callsim_module(NAME SOURCES... DEPS ...): one static library per module folder.
function(callsim_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${M_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC callsim_options ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
endfunction()

# `cmake --install` and `cpack`: where users and plugin authors find callsim.
#   bin/callsim
#   share/callsim/scenarios/   schemas, the default scenario, network profiles, scenario library,
#                              smoke suite and matrices (the binary has its own compiled-in copies
#                              of what it needs; these are for reading, editing and running)
#   include/callsim/callsim_jb_plugin.h             the jitter-buffer plugin C ABI
#   share/cmake/callsim/       callsimConfig.cmake: find_package(callsim) → callsim::jb_plugin
#   share/doc/callsim/         README.md and examples/jb_plugin (a plugin built with find_package)
# `cpack` (in the build folder) makes a Debian package (.deb, dependencies from dpkg-shlibdeps)
# and a .tar.gz of the same tree.
include(CMakePackageConfigHelpers)

set(CALLSIM_INSTALL_DATADIR ${CMAKE_INSTALL_DATADIR}/callsim)
set(CALLSIM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_DATADIR}/cmake/callsim)  # header-only: arch-independent
file(STRINGS ${PROJECT_SOURCE_DIR}/src/jitter/callsim_jb_plugin.h abi_line
     REGEX "^#define CALLSIM_JB_PLUGIN_ABI_VERSION ")
string(REGEX REPLACE ".* ([0-9]+)u?$" "\\1" CALLSIM_JB_PLUGIN_ABI_VERSION "${abi_line}")

install(TARGETS callsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/ DESTINATION ${CALLSIM_INSTALL_DATADIR}/scenarios)
install(FILES ${PROJECT_SOURCE_DIR}/src/jitter/callsim_jb_plugin.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/callsim)
install(TARGETS callsim_jb_plugin EXPORT callsimTargets)
install(EXPORT callsimTargets NAMESPACE callsim:: DESTINATION ${CALLSIM_INSTALL_CMAKEDIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/callsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/callsimConfig.cmake
  INSTALL_DESTINATION ${CALLSIM_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR CALLSIM_INSTALL_DATADIR)
# 0.x: a minor version may change the plugin ABI, so only the same minor version matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/callsimConfigVersion.cmake
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/callsimConfig.cmake ${PROJECT_BINARY_DIR}/callsimConfigVersion.cmake
        DESTINATION ${CALLSIM_INSTALL_CMAKEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/src/jitter/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}
        RENAME jitter-buffers-and-plugins.md)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/tests/jitter/plugin_example/
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/jb_plugin)

set(CPACK_PACKAGE_NAME callsim)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Call-quality simulator and test harness (Opus, RTP, jitter buffer, P.862)")
set(CPACK_PACKAGE_DESCRIPTION
    "Runs simulated VoIP calls through an emulated network (loss, jitter, delay, reordering, rate limits) and the real media pipeline, and scores the received speech with P.862 and the E-model. For CI regression gates, scenario replay and nightly quality reports.")
set(CPACK_PACKAGE_CONTACT "${CALLSIM_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB TGZ)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION sound)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnuplot-nox")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "tshark, chromium")
include(CPack)

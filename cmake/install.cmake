# `cmake --install` and `cpack -G DEB` (scripts/package). Included at the end of the root
# CMakeLists, after every target is defined. Paths follow GNUInstallDirs, so that the default
# prefix (/usr/local) and the package's (/usr) both give the usual layout:
#
#   bin/fleetcheck, bin/fleetcheck-mock         (and fleetcheck-bench[-client] when built)
#   share/man/man1/fleetcheck.1.gz, fleetcheck-mock.1.gz
#   share/bash-completion/completions/fleetcheck, fleetcheck-mock
#   share/zsh/vendor-completions/_fleetcheck
#   share/doc/fleetcheck/README.md, docs/*.md
include(GNUInstallDirs)

install(TARGETS fleetcheck fleetcheck-mock RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The benchmark is optional (FLEETCHECK_BENCH): install its programs only when they are built.
# `fleetcheck bench` looks for fleetcheck-bench next to itself, which finds its client there too.
foreach(bench_program IN ITEMS fleetcheck-bench fleetcheck-bench-client)
  if(TARGET ${bench_program})
    install(TARGETS ${bench_program} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endif()
endforeach()

# Man pages, written by hand in packaging/man, gzipped at build time (gzip -n: no name or time
# stamp in the header, so the package is reproducible). Building fleetcheck or fleetcheck-mock
# builds them, so `cmake --build --target fleetcheck fleetcheck-mock && cmake --install` works.
set(fleetcheck_man_pages fleetcheck.1 fleetcheck-mock.1)
find_program(FLEETCHECK_GZIP gzip)
set(man_outputs "")
foreach(page IN LISTS fleetcheck_man_pages)
  set(source ${PROJECT_SOURCE_DIR}/packaging/man/${page})
  if(FLEETCHECK_GZIP)
    set(output ${PROJECT_BINARY_DIR}/packaging/man/${page}.gz)
    add_custom_command(
      OUTPUT ${output}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/packaging/man
      COMMAND ${FLEETCHECK_GZIP} -9nc ${source} > ${output}
      DEPENDS ${source}
      COMMENT "Compressing man page ${page}"
      VERBATIM)
  else()
    set(output ${source})  # no gzip: man reads uncompressed pages as well
  endif()
  list(APPEND man_outputs ${output})
endforeach()
add_custom_target(fleetcheck-man-pages ALL DEPENDS ${man_outputs})
add_dependencies(fleetcheck fleetcheck-man-pages)
add_dependencies(fleetcheck-mock fleetcheck-man-pages)
install(FILES ${man_outputs} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# Shell completions. bash-completion loads a file by the command's name, so the one script is
# installed under both names; zsh reads the #compdef line (both commands).
install(FILES ${PROJECT_SOURCE_DIR}/packaging/completions/fleetcheck.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME fleetcheck)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/completions/fleetcheck.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME fleetcheck-mock)
# Debian's zsh searches /usr/share/zsh/vendor-completions but, under /usr/local, only
# share/zsh/site-functions: installing elsewhere than /usr, set this to that.
set(FLEETCHECK_ZSH_COMPLETION_DIR ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions
    CACHE STRING "Where the zsh completion goes, relative to the prefix")
install(FILES ${PROJECT_SOURCE_DIR}/packaging/completions/_fleetcheck
        DESTINATION ${FLEETCHECK_ZSH_COMPLETION_DIR})

# Documentation: README.md and docs/*.md (CMAKE_INSTALL_DOCDIR is share/doc/fleetcheck).
file(GLOB fleetcheck_docs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${fleetcheck_docs}
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# Debian wants the licence as share/doc/<package>/copyright; ship it once the project has one.
foreach(licence IN ITEMS LICENSE LICENSE.md LICENSE.txt COPYING)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${licence})
    install(FILES ${licence} DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)
    break()
  endif()
endforeach()

# --- CPack: the Debian package (scripts/package runs `cpack -G DEB`) ---------------------------
set(FLEETCHECK_MAINTAINER "fleetcheck maintainers <maintainers@users.noreply.b-seed-7ed47337.example>"
    CACHE STRING "Maintainer field of the Debian package")

set(CPACK_PACKAGE_NAME fleetcheck)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "fleetcheck")
set(CPACK_PACKAGE_CONTACT ${FLEETCHECK_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "health checks for a whole fleet of services, in one event loop")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # fleetcheck_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${FLEETCHECK_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: computed by dpkg-shlibdeps from the binaries (libssl3, libyaml-cpp0.7, libfmt9,
# libboost-url1.81.0, libstdc++6, libc6, ...).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; CPack indents this extended description and
# turns the empty line into " .".
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "fleetcheck checks every target of a fleet (http://, https:// and tcp://
URLs, from the command line, a YAML fleet file or a list) concurrently, each
under its own timeout and the whole run under one deadline, and reports a
table, JSON, NDJSON, Prometheus text or JUnit XML. Its exit status says whether
the fleet is healthy, for scripts, cron and CI.

The package also holds fleetcheck-mock, a mock fleet of HTTP services with
configurable latency and faults for demos and tests, the manual pages, and bash
and zsh completions.")
include(CPack)

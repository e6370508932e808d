# The Debian packages, built by CPack (`tools/package`):
#
#   latchkey            everything `cmake --install` puts in place but the dev
#                       server: the program, liblatchkey and its modules, the
#                       providers, the kit (headers, CMake package, pkg-config,
#                       template, examples), manual pages and shell completion
#   latchkey-devserver  the development authorization server, a test tool
#
# An install() without a COMPONENT goes into `latchkey`
# (CMAKE_INSTALL_DEFAULT_COMPONENT_NAME in the top-level CMakeLists.txt), so a
# new program or file is packaged without an edit here. Included last: CPack
# packages the components installed before it.
set(packaging_dir ${CMAKE_CURRENT_LIST_DIR})

# Debian wants a copyright file and a changelog in each package's doc directory.
string(TIMESTAMP latchkey_changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
set(LATCHKEY_PACKAGE_MAINTAINER "latchkey developers <latchkey@example.org>"
    CACHE STRING "Maintainer field of the Debian packages")
foreach(package latchkey latchkey-devserver)
  set(changelog ${CMAKE_BINARY_DIR}/packaging/${package}/changelog)
  file(WRITE ${changelog}
    "${package} (${PROJECT_VERSION}) unstable; urgency=medium\n\n"
    "  * Built from the latchkey source tree (tools/package).\n\n"
    " -- ${LATCHKEY_PACKAGE_MAINTAINER}  ${latchkey_changelog_date}\n")
  file(ARCHIVE_CREATE OUTPUT ${changelog}.gz PATHS ${changelog} FORMAT raw COMPRESSION GZip
       COMPRESSION_LEVEL 9 MTIME 0)
endforeach()
install(FILES ${packaging_dir}/copyright ${CMAKE_BINARY_DIR}/packaging/latchkey/changelog.gz
  DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/latchkey COMPONENT latchkey)
install(FILES ${packaging_dir}/copyright
  ${CMAKE_BINARY_DIR}/packaging/latchkey-devserver/changelog.gz
  DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/latchkey-devserver COMPONENT devserver)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME latchkey)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${LATCHKEY_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_LATCHKEY_PACKAGE_NAME latchkey)
string(CONCAT CPACK_COMPONENT_LATCHKEY_DESCRIPTION
  "credential host: tokens for the sites your programs call\n"
  "latchkey answers a program, a script or an operator asking for a\n"
  "credential for a site from its cache, refreshes it ahead of expiry, and\n"
  "gets new ones through provider plugins (OAuth 2.0 grants, API keys,\n"
  "vendor schemes). A TOML policy says which provider serves which site.\n"
  "This package has the latchkey program, liblatchkey, the built-in\n"
  "providers, and the kit for writing providers and applications: headers,\n"
  "a CMake package and pkg-config files.")
set(CPACK_DEBIAN_DEVSERVER_PACKAGE_NAME latchkey-devserver)
set(CPACK_DEBIAN_DEVSERVER_PACKAGE_SECTION devel)
string(CONCAT CPACK_COMPONENT_DEVSERVER_DESCRIPTION
  "development OAuth 2.0 server for testing latchkey providers\n"
  "latchkey-devserver is a local OAuth 2.0 and OpenID Connect authorization\n"
  "server on 127.0.0.1, keeping everything in memory, for demos and tests\n"
  "of latchkey providers. It is not a production server: its admin\n"
  "endpoints have no authentication.")
include(CPack)

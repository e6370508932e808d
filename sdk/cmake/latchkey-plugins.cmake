# latchkey_add_provider(NAME SOURCES src...) builds the provider plugin
# NAME.so; latchkey_add_storage_plugin(NAME SOURCES src...) a storage plugin.
# NAME is also the CMake target, and must be the name the plugin declares
# (latchkey refuses a file named otherwise). What each plugin gets:
#
# - the SDK headers (latchkey::sdk) and, for C++, C++17 (provider.hpp);
# - hidden visibility and a linker version script exporting the entry point
#   alone (LATCHKEY_PROVIDER_EXPORTS_MAP): hidden visibility alone leaves
#   libstdc++'s STB_GNU_UNIQUE symbols exported, and glibc never unloads a
#   library that defines one;
# - for C++, the C++ runtime linked in and hidden too, when the static
#   runtime is there (set LATCHKEY_PLUGIN_PRIVATE_RUNTIME to OFF to link the
#   shared one, e.g. under a sanitizer): `latchkey` carries its own runtime,
#   so a plugin needing libstdc++.so would add it to every `latchkey token`.
#   Nothing C++ crosses the C ABI, so a private runtime is safe;
#   LATCHKEY_PRIVATE_CXX_RUNTIME has provider.hpp free what it would
#   otherwise leak at each unload.
include_guard(GLOBAL)
include(CheckLinkerFlag)

option(LATCHKEY_PLUGIN_PRIVATE_RUNTIME "link the C++ runtime into latchkey plugins" ON)

function(_latchkey_add_plugin name map)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "" "SOURCES")
  if(NOT arg_SOURCES OR arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "usage: ${CMAKE_CURRENT_FUNCTION}(NAME SOURCES src...); got: ${ARGN}")
  endif()
  add_library(${name} MODULE ${arg_SOURCES})
  target_link_libraries(${name} PRIVATE latchkey::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX "" OUTPUT_NAME ${name} SUFFIX ".so"
    C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE "LINKER:--version-script=${map}" "LINKER:--gc-sections")
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${map})

  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if("CXX" IN_LIST languages)
    target_compile_features(${name} PRIVATE cxx_std_17)
    if(LATCHKEY_PLUGIN_PRIVATE_RUNTIME)
      check_linker_flag(CXX "-static-libstdc++" LATCHKEY_HAS_STATIC_CXX_RUNTIME)
      if(LATCHKEY_HAS_STATIC_CXX_RUNTIME)
        target_link_options(${name} PRIVATE -static-libstdc++ -static-libgcc)
        target_compile_definitions(${name} PRIVATE LATCHKEY_PRIVATE_CXX_RUNTIME)
      endif()
    endif()
  endif()
endfunction()

function(latchkey_add_provider name)
  _latchkey_add_plugin(${name} "${LATCHKEY_PROVIDER_EXPORTS_MAP}" ${ARGN})
endfunction()

function(latchkey_add_storage_plugin name)
  _latchkey_add_plugin(${name} "${LATCHKEY_STORAGE_EXPORTS_MAP}" ${ARGN})
endfunction()

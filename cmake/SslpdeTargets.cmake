# Helpers that give each module exactly the dependencies and compile flags its row of the design
# card allows. deal.II targets get deal.II's include paths and definitions but not its -g and
# -funroll-all-loops (which cost compile time and buy nothing measurable here); torch targets get
# torch's flags only.

# Adds a module library sslpde_<name>, exported as sslpde::<name>, with public headers in
# <dir>/include.
function(sslpde_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  add_library(sslpde_${name} SHARED ${ARG_SOURCES})
  add_library(sslpde::${name} ALIAS sslpde_${name})
  set_target_properties(sslpde_${name} PROPERTIES EXPORT_NAME ${name}
    OUTPUT_NAME sslpde_${name}
    INSTALL_RPATH "${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}")
  target_include_directories(sslpde_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_options(sslpde_${name} PRIVATE -Wall -Wextra)
  install(TARGETS sslpde_${name} EXPORT sslpdeTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()

# deal.II for one target: include paths, definitions and the release library.
function(sslpde_use_dealii target scope)
  if(NOT TARGET ${DEAL_II_TARGET_RELEASE})
    # deal.II's package configuration names its imported targets without defining them.
    include(${DEAL_II_TARGET_CONFIG})
  endif()
  target_include_directories(${target} SYSTEM ${scope} ${DEAL_II_INCLUDE_DIRS})
  target_compile_definitions(${target} ${scope} ${DEAL_II_USER_DEFINITIONS} ${DEAL_II_USER_DEFINITIONS_RELEASE})
  target_link_libraries(${target} ${scope} ${DEAL_II_TARGET_RELEASE})
endfunction()

# LibTorch for one target.
function(sslpde_use_torch target scope)
  target_link_libraries(${target} ${scope} ${TORCH_LIBRARIES})
  target_include_directories(${target} SYSTEM ${scope} ${TORCH_INCLUDE_DIRS})
endfunction()

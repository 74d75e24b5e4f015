# Installs sslpde into a scratch prefix, configures and builds examples/step-1 against it with
# find_package(sslpde), and runs the example: what a deal.II user does after `cmake --install`.
set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix}
  RESULT_VARIABLE status OUTPUT_QUIET)
if(status)
  message(FATAL_ERROR "cmake --install failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/step-1 -B ${WORK_DIR}/build
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${prefix}
  RESULT_VARIABLE status)
if(status)
  message(FATAL_ERROR "configuring examples/step-1 against the installed package failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build -j2 RESULT_VARIABLE status)
if(status)
  message(FATAL_ERROR "building examples/step-1 failed")
endif()
execute_process(COMMAND ${WORK_DIR}/build/step-1 ${DATA_FILE} ${WORK_DIR}/vtu
  RESULT_VARIABLE status)
if(status)
  message(FATAL_ERROR "running step-1 failed")
endif()

# Fails, saying how to regenerate it, if doc/parameters.prm differs from `sslpde --output-prm`.
execute_process(COMMAND ${SSLPDE} --output-prm OUTPUT_VARIABLE current RESULT_VARIABLE status)
if(status)
  message(FATAL_ERROR "sslpde --output-prm failed")
endif()
file(READ ${REFERENCE} reference)
if(NOT current STREQUAL reference)
  message(FATAL_ERROR "${REFERENCE} is out of date: regenerate it with "
                      "'build/bin/sslpde --output-prm > doc/parameters.prm'")
endif()

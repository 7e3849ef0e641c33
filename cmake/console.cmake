# The web console (docs/console.md): its static files compiled into cleanroom_api, and its
# browser test, which drives Debian's chromium through playwright-core (scripts/bootstrap).
file(GLOB_RECURSE console_files CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/console/*)
set(console_assets_cpp ${CMAKE_BINARY_DIR}/generated/console_assets.cpp)
add_custom_command(
  OUTPUT ${console_assets_cpp}
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR}/web/console -DOUT=${console_assets_cpp}
          -P ${CMAKE_SOURCE_DIR}/cmake/embed_console.cmake
  DEPENDS ${console_files} ${CMAKE_SOURCE_DIR}/cmake/embed_console.cmake
  COMMENT "Embedding web/console")
target_sources(cleanroom_api PRIVATE ${console_assets_cpp})

add_test(NAME console.browser
         COMMAND node --test ${CMAKE_SOURCE_DIR}/tests/console/console.test.mjs)
set_tests_properties(console.browser PROPERTIES
  TIMEOUT 300
  ENVIRONMENT "CLEANROOM_BIN=$<TARGET_FILE:cleanroom>;CONSOLE_SCREENSHOTS=${CMAKE_BINARY_DIR}/console-screenshots;PLAYWRIGHT_CORE=${CMAKE_SOURCE_DIR}/third_party/node_modules/playwright-core")

# Installs the interop tests' npm packages (oidc-provider, pinned by
# package-lock.json) into the build tree; the agent's cloud SDK tests use it
# too, with WHAT naming theirs:
#   cmake -DNPM=... -DSOURCE_DIR=... -DDEST_DIR=... -DSTAMP=... [-DWHAT=...] -P npm_install.cmake
#
# It never fails the build: the rest of the project builds and tests without
# Node.js. When the install fails, the reason goes to DEST_DIR/npm-install.failed
# and the interop tests fail with it (they never skip). The stamp is written
# only on success, so the next build tries again.
set(failed_file ${DEST_DIR}/npm-install.failed)
file(MAKE_DIRECTORY ${DEST_DIR})
file(REMOVE ${failed_file} ${STAMP})

if(NOT NPM)
  set(reason "npm was not found when the build was configured: run tools/setup (it installs \
Node.js and npm), then configure again")
else()
  file(COPY ${SOURCE_DIR}/package.json ${SOURCE_DIR}/package-lock.json DESTINATION ${DEST_DIR})
  # --prefer-offline: the npm cache serves what it holds, so a machine that
  # installed once installs again without a network.
  execute_process(
    COMMAND ${NPM} ci --no-audit --no-fund --prefer-offline --loglevel=error
    WORKING_DIRECTORY ${DEST_DIR}
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output
    TIMEOUT 300)
  if(result EQUAL 0)
    file(TOUCH ${STAMP})
    return()
  endif()
  set(reason "`npm ci` in ${DEST_DIR} failed (${result}); without a network it needs the \
packages in the npm cache (~/.npm). npm said:\n${output}")
endif()

file(WRITE ${failed_file} "${reason}\n")
if(NOT WHAT)
  set(WHAT "interop tests: cannot install oidc-provider")
endif()
message(WARNING "${WHAT}: ${reason}\n"
                "Those tests will fail until this is fixed.")

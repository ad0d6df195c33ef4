# Script mode (cmake/Npm.cmake, vp_npm_ci): installs the npm packages of web/<NAME> exactly as its
# package-lock.json pins them, into WORK (a folder of the build tree, so that several build
# folders never share one node_modules), checks that CHECK (a package name) is there, then
# touches STAMP.
#   cmake -DNAME=editor -DNPM=npm -DSRC=web/editor -DWORK=<build>/web-editor -DCHECK=esbuild
#         -DSTAMP=<file> -P NpmCi.cmake
# `npm ci` uses npm's cache (~/.npm) first (--prefer-offline), runs no install scripts, and fails
# on a lock that does not match package.json. Any failure stops the build: nothing that a page
# needs is left out silently.
file(MAKE_DIRECTORY ${WORK})
foreach(f package.json package-lock.json)
  configure_file(${SRC}/${f} ${WORK}/${f} COPYONLY)
endforeach()
file(REMOVE ${STAMP})
execute_process(
  COMMAND ${NPM} ci --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error
  WORKING_DIRECTORY ${WORK}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR
    "${NAME}: `npm ci` failed (exit ${rc}) in ${WORK}.\n"
    "web/${NAME} is built at build time from the npm registry, pinned by web/${NAME}/package-lock.json. "
    "Either the registry cannot be reached (offline? proxy? set npm's `registry`/`proxy` settings, or "
    "fill npm's cache once with `npm ci` in web/${NAME} while online), or the lock does not match "
    "web/${NAME}/package.json (run `npm install --ignore-scripts` in web/${NAME} and commit "
    "package-lock.json).")
endif()
if(NOT EXISTS ${WORK}/node_modules/${CHECK}/package.json)
  message(FATAL_ERROR "${NAME}: `npm ci` succeeded but ${CHECK} is missing from ${WORK}/node_modules")
endif()
file(TOUCH ${STAMP})

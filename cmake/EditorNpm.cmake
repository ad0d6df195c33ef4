# Script mode (cmake/EditorBundle.cmake): installs the editor's npm packages exactly as
# web/editor/package-lock.json pins them, into WORK (a folder of the build tree, so that several
# build folders never share one node_modules), then touches STAMP.
#   cmake -DNPM=npm -DSRC=web/editor -DWORK=<build>/web-editor -DSTAMP=<file> -P EditorNpm.cmake
# `npm ci` uses npm's cache (~/.npm) first (--prefer-offline), runs no install scripts, and fails
# on a lock that does not match package.json. Any failure stops the build: a vanphong without
# its editor is not shipped silently.
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
    "editor: `npm ci` failed (exit ${rc}) in ${WORK}.\n"
    "The back-office rich-text editor (web/editor: TipTap, ProseMirror, esbuild) is bundled at build "
    "time from the npm registry, pinned by web/editor/package-lock.json. Either the registry cannot be "
    "reached (offline? proxy? set npm's `registry`/`proxy` settings, or fill npm's cache once with "
    "`npm ci` in web/editor while online), or the lock does not match web/editor/package.json "
    "(run `npm install` in web/editor and commit package-lock.json). See web/editor/README.md.")
endif()
if(NOT EXISTS ${WORK}/node_modules/esbuild/package.json)
  message(FATAL_ERROR "editor: `npm ci` succeeded but esbuild is missing from ${WORK}/node_modules")
endif()
file(TOUCH ${STAMP})

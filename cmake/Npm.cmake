# The front-end packages of web/<name>, from npm at build time:
#
#   vp_npm_ci(<name> <check-package> <stamp-var>)
#     `npm ci` of web/<name>/package-lock.json into <build>/web-<name>/node_modules, once and
#     again only when package.json or package-lock.json change (cmake/NpmCi.cmake); sets
#     <stamp-var> to the file the install touches, for custom commands to depend on.
#   vp_esbuild_bundle(<name> <out-var> <output-file-name>...)
#     runs web/<name>/scripts/build.mjs --out <build>/generated/static --modules <node_modules>,
#     again whenever a file under web/<name>/src changes; sets <out-var> to the outputs. Add them
#     to the files embedded from static/ so that the server serves them as /static/<file>.
#
# Node.js and npm are needed for every build (scripts/install-deps.sh installs them). Must be
# called from the directory whose target embeds the files (custom-command outputs are visible to
# that directory only).

find_program(VP_NODE NAMES node nodejs)
find_program(VP_NPM npm)
if(NOT VP_NODE OR NOT VP_NPM)
  message(FATAL_ERROR
    "Node.js and npm are needed to build vanphong's pages (web/: the editor, the dashboard's charts, "
    "the site's font). Install them: scripts/install-deps.sh (Debian packages nodejs and npm).")
endif()
execute_process(COMMAND ${VP_NODE} --version OUTPUT_VARIABLE VP_NODE_VERSION OUTPUT_STRIP_TRAILING_WHITESPACE)
if(VP_NODE_VERSION MATCHES "^v([0-9]+)" AND CMAKE_MATCH_1 LESS 18)
  message(FATAL_ERROR "Node.js ${VP_NODE_VERSION} is too old for esbuild; 18 or newer is needed.")
endif()

function(vp_npm_ci name check stamp_var)
  set(src ${PROJECT_SOURCE_DIR}/web/${name})
  set(work ${PROJECT_BINARY_DIR}/web-${name})
  set(stamp ${work}/npm-ci.stamp)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DNAME=${name} -DNPM=${VP_NPM} -DSRC=${src} -DWORK=${work} -DCHECK=${check}
            -DSTAMP=${stamp} -P ${PROJECT_SOURCE_DIR}/cmake/NpmCi.cmake
    DEPENDS ${src}/package.json ${src}/package-lock.json ${PROJECT_SOURCE_DIR}/cmake/NpmCi.cmake
    COMMENT "${name}: npm ci (web/${name}/package-lock.json)"
    VERBATIM)
  set(${stamp_var} ${stamp} PARENT_SCOPE)
endfunction()

function(vp_esbuild_bundle name out_var)
  set(src ${PROJECT_SOURCE_DIR}/web/${name})
  set(out ${PROJECT_BINARY_DIR}/generated/static)
  vp_npm_ci(${name} esbuild stamp)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${src}/src/*)
  set(outputs)
  foreach(f ${ARGN})
    list(APPEND outputs ${out}/${f})
  endforeach()
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${VP_NODE} ${src}/scripts/build.mjs --out ${out} --modules ${PROJECT_BINARY_DIR}/web-${name}/node_modules
    DEPENDS ${stamp} ${sources} ${src}/scripts/build.mjs ${PROJECT_SOURCE_DIR}/web/bundle.mjs
    COMMENT "${name}: esbuild web/${name}/src → generated/static/"
    VERBATIM)
  set(${out_var} ${outputs} PARENT_SCOPE)
endfunction()

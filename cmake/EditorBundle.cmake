# The back office's rich-text editor (web/editor), built at build time:
#
#   vp_editor_bundle(<out-var>)
#
# 1. `npm ci` of web/editor/package-lock.json into <build>/web-editor/node_modules (once, and
#    again only when package.json or package-lock.json change; cmake/EditorNpm.cmake);
# 2. esbuild (web/editor/scripts/build.mjs) bundles web/editor/src into
#    <build>/generated/static/editor.js, editor.css and editor-licenses.txt, again whenever a
#    file under web/editor/src changes.
# Sets <out-var> to the three files. Add them to the files embedded from static/ (vp_embed_files
# names files under <build>/generated/static/ as if they were in static/), so the server serves
# /static/editor.js, /static/editor.css and /static/editor-licenses.txt.
#
# Node.js and npm are needed for every build (scripts/install-deps.sh installs them); without
# them, or when npm cannot install the pinned packages, the build stops with a clear message.
# Must be called from the directory whose target embeds the files (custom-command outputs are
# visible to that directory only).

find_program(VP_NODE NAMES node nodejs)
find_program(VP_NPM npm)
if(NOT VP_NODE OR NOT VP_NPM)
  message(FATAL_ERROR
    "editor: Node.js and npm are needed to build vanphong's back-office editor (web/editor). "
    "Install them: scripts/install-deps.sh (Debian packages nodejs and npm).")
endif()
execute_process(COMMAND ${VP_NODE} --version OUTPUT_VARIABLE VP_NODE_VERSION OUTPUT_STRIP_TRAILING_WHITESPACE)
if(VP_NODE_VERSION MATCHES "^v([0-9]+)" AND CMAKE_MATCH_1 LESS 18)
  message(FATAL_ERROR "editor: Node.js ${VP_NODE_VERSION} is too old for esbuild and TipTap; 18 or newer is needed.")
endif()

function(vp_editor_bundle out_var)
  set(src ${PROJECT_SOURCE_DIR}/web/editor)
  set(work ${PROJECT_BINARY_DIR}/web-editor)
  set(out ${PROJECT_BINARY_DIR}/generated/static)
  set(stamp ${work}/npm-ci.stamp)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DNPM=${VP_NPM} -DSRC=${src} -DWORK=${work} -DSTAMP=${stamp}
            -P ${PROJECT_SOURCE_DIR}/cmake/EditorNpm.cmake
    DEPENDS ${src}/package.json ${src}/package-lock.json ${PROJECT_SOURCE_DIR}/cmake/EditorNpm.cmake
    COMMENT "editor: npm ci (web/editor/package-lock.json)"
    VERBATIM)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${src}/src/*)
  set(outputs ${out}/editor.js ${out}/editor.css ${out}/editor-licenses.txt)
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND ${VP_NODE} ${src}/scripts/build.mjs --out ${out} --modules ${work}/node_modules
    DEPENDS ${stamp} ${sources} ${src}/scripts/build.mjs
    COMMENT "editor: esbuild web/editor/src → generated/static/editor.{js,css}"
    VERBATIM)
  set(${out_var} ${outputs} PARENT_SCOPE)
endfunction()

# vp_editor_smoke_test(<editor.js>): registers web/editor/test/smoke.mjs with CTest (label
# "browser"): the bundle in headless Chromium on a stand-in page with the server's CSP. It
# reports Skipped (exit 77) where Chromium is not installed.
function(vp_editor_smoke_test bundle)
  if(NOT VP_BUILD_TESTS)
    return()
  endif()
  find_program(VP_CHROMIUM NAMES chromium chromium-browser PATHS /usr/bin)
  set(chromium ${VP_CHROMIUM})
  if(NOT chromium)
    set(chromium /usr/bin/chromium)
  endif()
  add_test(NAME EditorBundleSmoke
           COMMAND ${VP_NODE} ${PROJECT_SOURCE_DIR}/web/editor/test/smoke.mjs ${bundle})
  set_tests_properties(EditorBundleSmoke PROPERTIES
    LABELS browser
    TIMEOUT 180
    SKIP_RETURN_CODE 77
    ENVIRONMENT "EDITOR_NODE_MODULES=${PROJECT_BINARY_DIR}/web-editor/node_modules;CHROMIUM_PATH=${chromium};PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
endfunction()

# The back office's rich-text editor (web/editor), built at build time:
#
#   vp_editor_bundle(<out-var>)
#
# 1. `npm ci` of web/editor/package-lock.json into <build>/web-editor/node_modules (once, and
#    again only when package.json or package-lock.json change; cmake/Npm.cmake);
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

include(Npm)

function(vp_editor_bundle out_var)
  vp_esbuild_bundle(editor outputs editor.js editor.css editor-licenses.txt)
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

# The public site's web font (web/site), copied at build time:
#
#   vp_site_fonts(<out-var>)
#
# 1. `npm ci` of web/site/package-lock.json (@fontsource/be-vietnam-pro, pinned) into
#    <build>/web-site/node_modules (once, and again only when package.json or package-lock.json
#    change; this same file run in script mode, below);
# 2. copies Be Vietnam Pro's woff2 files, normal style, weights 400, 500, 600 and 700, subsets
#    latin, latin-ext and vietnamese (12 files, about 210 KB), and the font's licence (SIL OFL
#    1.1, as be-vietnam-pro-LICENSE.txt) into <build>/generated/static/fonts/.
# Sets <out-var> to those 13 files. Add them to the files embedded from static/ (vp_embed_files
# names files under <build>/generated/static/ as if they were in static/), so the server serves
# /static/fonts/be-vietnam-pro-<subset>-<weight>-normal.woff2, which static/site.css loads.
#
# npm is needed for every build (scripts/install-deps.sh installs it); without it, or when npm
# cannot install the pinned package, the build stops with a clear message. Must be called from
# the directory whose target embeds the files (custom-command outputs are visible to that
# directory only).
#
# Script mode (the custom command of step 1):
#   cmake -DNPM=npm -DSRC=web/site -DWORK=<build>/web-site -DSTAMP=<file> -P SiteFonts.cmake
# installs the packages exactly as the lock pins them into WORK (a folder of the build tree, so
# that several build folders never share one node_modules), then touches STAMP. `npm ci` uses
# npm's cache (~/.npm) first (--prefer-offline), runs no install scripts, and fails on a lock
# that does not match package.json.

if(CMAKE_SCRIPT_MODE_FILE)
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
      "site: `npm ci` failed (exit ${rc}) in ${WORK}.\n"
      "The public site's font (Be Vietnam Pro, npm package @fontsource/be-vietnam-pro) is copied at "
      "build time from the npm registry, pinned by web/site/package-lock.json. Either the registry "
      "cannot be reached (offline? proxy? set npm's `registry`/`proxy` settings, or fill npm's cache "
      "once with `npm ci` in web/site while online), or the lock does not match web/site/package.json "
      "(run `npm install --ignore-scripts` in web/site and commit package-lock.json).")
  endif()
  if(NOT EXISTS ${WORK}/node_modules/@fontsource/be-vietnam-pro/package.json)
    message(FATAL_ERROR "site: `npm ci` succeeded but @fontsource/be-vietnam-pro is missing from ${WORK}/node_modules")
  endif()
  file(TOUCH ${STAMP})
  return()
endif()

find_program(VP_NPM npm)
if(NOT VP_NPM)
  message(FATAL_ERROR
    "site: npm is needed to bring the public site's font (web/site, @fontsource/be-vietnam-pro). "
    "Install Node.js and npm: scripts/install-deps.sh (Debian packages nodejs and npm).")
endif()

# What static/site.css's @font-face rules load; keep both lists in step with it.
set(VP_SITE_FONT_WEIGHTS 400 500 600 700)
set(VP_SITE_FONT_SUBSETS latin latin-ext vietnamese)

function(vp_site_fonts out_var)
  set(src ${PROJECT_SOURCE_DIR}/web/site)
  set(work ${PROJECT_BINARY_DIR}/web-site)
  set(pkg ${work}/node_modules/@fontsource/be-vietnam-pro)
  set(out ${PROJECT_BINARY_DIR}/generated/static/fonts)
  set(stamp ${work}/npm-ci.stamp)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DNPM=${VP_NPM} -DSRC=${src} -DWORK=${work} -DSTAMP=${stamp}
            -P ${PROJECT_SOURCE_DIR}/cmake/SiteFonts.cmake
    DEPENDS ${src}/package.json ${src}/package-lock.json ${PROJECT_SOURCE_DIR}/cmake/SiteFonts.cmake
    COMMENT "site: npm ci (web/site/package-lock.json)"
    VERBATIM)
  set(fonts)
  set(outputs)
  foreach(subset ${VP_SITE_FONT_SUBSETS})
    foreach(weight ${VP_SITE_FONT_WEIGHTS})
      set(name be-vietnam-pro-${subset}-${weight}-normal.woff2)
      list(APPEND fonts ${pkg}/files/${name})
      list(APPEND outputs ${out}/${name})
    endforeach()
  endforeach()
  set(license ${out}/be-vietnam-pro-LICENSE.txt)
  # `cmake -E copy` gives the copies a fresh time, so they are newer than the stamp and the
  # command runs again only after a new `npm ci`.
  add_custom_command(
    OUTPUT ${outputs} ${license}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
    COMMAND ${CMAKE_COMMAND} -E copy ${fonts} ${out}
    COMMAND ${CMAKE_COMMAND} -E copy ${pkg}/LICENSE ${license}
    DEPENDS ${stamp}
    COMMENT "site: Be Vietnam Pro (woff2, licence) → generated/static/fonts/"
    VERBATIM)
  set(${out_var} ${outputs} ${license} PARENT_SCOPE)
endfunction()

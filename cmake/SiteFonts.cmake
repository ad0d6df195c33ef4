# The public site's web font (web/site), copied at build time:
#
#   vp_site_fonts(<out-var>)
#
# 1. `npm ci` of web/site/package-lock.json (@fontsource/be-vietnam-pro, pinned) into
#    <build>/web-site/node_modules (once, and again only when package.json or package-lock.json
#    change; vp_npm_ci of cmake/Npm.cmake);
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

include(Npm)

# What static/site.css's @font-face rules load; keep both lists in step with it.
set(VP_SITE_FONT_WEIGHTS 400 500 600 700)
set(VP_SITE_FONT_SUBSETS latin latin-ext vietnamese)

function(vp_site_fonts out_var)
  set(work ${PROJECT_BINARY_DIR}/web-site)
  set(pkg ${work}/node_modules/@fontsource/be-vietnam-pro)
  set(out ${PROJECT_BINARY_DIR}/generated/static/fonts)
  vp_npm_ci(site @fontsource/be-vietnam-pro stamp)
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

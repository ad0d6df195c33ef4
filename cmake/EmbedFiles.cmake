# Script mode: writes OUT, a C++ source defining `std::span<const vp::core::EmbeddedFile> FUNC()`
# over FILES (paths made relative to BASE). Keeps migrations, templates and data inside the
# binary so one `vanphong` file is the whole deployment.
# Files built into the build tree's generated/<last folder of BASE>/ (next to OUT) are named as
# if they were in BASE: <build>/generated/static/editor.js embeds as "editor.js" beside static/*.
get_filename_component(generated ${OUT} DIRECTORY)
get_filename_component(base_name ${BASE} NAME)
set(generated ${generated}/${base_name})
file(WRITE ${OUT} "#include \"core/embedded.hpp\"\nnamespace vp::embedded {\nnamespace {\nconst vp::core::EmbeddedFile kFiles[] = {\n")
foreach(f ${FILES})
  file(RELATIVE_PATH rel ${BASE} ${f})
  if(rel MATCHES "^\\.\\./")
    file(RELATIVE_PATH in_generated ${generated} ${f})
    if(NOT in_generated MATCHES "^\\.\\./")
      set(rel ${in_generated})
    endif()
  endif()
  file(READ ${f} content HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" escaped "${content}")
  string(LENGTH "${content}" hexlen)
  math(EXPR len "${hexlen} / 2")
  file(APPEND ${OUT} "  {\"${rel}\", std::string_view(\"${escaped}\", ${len})},\n")
endforeach()
file(APPEND ${OUT} "};\n}  // namespace\nstd::span<const vp::core::EmbeddedFile> ${FUNC}() { return kFiles; }\n}  // namespace vp::embedded\n")

# Turns the built web UI (a Vite output folder) into a C source:
#   cmake -DDIR=web-dist -DOUT=web_assets.c -P embed_web.cmake
# defines const struct web_asset slotd_web_assets[] (ended by a NULL path): each file's URL
# path ("/index.html", "/embed.js", "/assets/index-3f9a.js"), bytes (NUL-terminated), size
# and a strong ETag (the file's SHA-256, first 32 hex digits). An empty or missing DIR gives
# an empty table (a build without the web UI).
include(${CMAKE_CURRENT_LIST_DIR}/embed_bytes.cmake)
set(items "")
set(arrays "")
set(i 0)
if(DIR AND IS_DIRECTORY "${DIR}")
  file(GLOB_RECURSE files RELATIVE "${DIR}" "${DIR}/*")
  list(SORT files)
endif()
foreach(f IN LISTS files)
  embed_bytes("${DIR}/${f}" bytes len tag)
  string(APPEND arrays "static const unsigned char a${i}[] = {\n${bytes}0x00};\n")
  string(APPEND items "\t{\"/${f}\", a${i}, ${len}, \"\\\"${tag}\\\"\"},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE "${OUT}.tmp"
  "/* Generated from ${DIR} by cmake/embed_web.cmake; do not edit. */\n"
  "#include \"http/web_assets.h\"\n"
  "${arrays}"
  "const struct web_asset slotd_web_assets[] = {\n${items}\t{0, 0, 0, 0}};\n")
file(RENAME "${OUT}.tmp" "${OUT}")

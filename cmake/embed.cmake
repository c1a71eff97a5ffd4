# Turns a file into a C source: cmake -DIN=file -DOUT=file.c -DNAME=sym -P embed.cmake
# defines const unsigned char sym[] (NUL-terminated), size_t sym_len and the
# string sym_etag (a quoted strong ETag: the file's SHA-256, first 32 hex digits).
include(${CMAKE_CURRENT_LIST_DIR}/embed_bytes.cmake)
embed_bytes("${IN}" bytes len tag)
file(WRITE "${OUT}.tmp"
  "/* Generated from ${IN} by cmake/embed.cmake; do not edit. */\n"
  "#include <stddef.h>\n"
  "extern const unsigned char ${NAME}[];\n"
  "extern const size_t ${NAME}_len;\n"
  "extern const char ${NAME}_etag[];\n"
  "const unsigned char ${NAME}[] = {\n${bytes}0x00};\n"
  "const size_t ${NAME}_len = ${len};\n"
  "const char ${NAME}_etag[] = \"\\\"${tag}\\\"\";\n")
file(RENAME "${OUT}.tmp" "${OUT}")

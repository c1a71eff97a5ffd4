# embed_bytes(FILE HEX_VAR LEN_VAR TAG_VAR): the bytes of FILE as C initialiser text
# ("0x2f,0x2a,…", 32 a line), its size, and a strong ETag value (its SHA-256, first 32 hex
# digits). Included by embed.cmake and embed_web.cmake.
function(embed_bytes file bytes_var len_var tag_var)
  file(READ "${file}" hex HEX)
  file(SHA256 "${file}" sha)
  string(LENGTH "${hex}" n)
  math(EXPR len "${n} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "((0x..,){32})" "\\1\n" bytes "${bytes}")
  string(SUBSTRING "${sha}" 0 32 tag)
  set(${bytes_var} "${bytes}" PARENT_SCOPE)
  set(${len_var} "${len}" PARENT_SCOPE)
  set(${tag_var} "${tag}" PARENT_SCOPE)
endfunction()

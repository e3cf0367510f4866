# Part of `cmake --install` (see CMakeLists.txt here): writes the man page and the bash, zsh and
# fish completions by running the program that is being installed (`cloudtwin man`, `cloudtwin
# completion SHELL`), so they always match its options, and installs them where each tool looks.
# CLOUDTWIN_PROGRAM, CLOUDTWIN_DOCS_DIR, CLOUDTWIN_MANDIR and CLOUDTWIN_DATAROOTDIR are set by
# the install(CODE) before this script. DESTDIR is honoured by file(INSTALL).
file(MAKE_DIRECTORY "${CLOUDTWIN_DOCS_DIR}")
foreach(shell bash zsh fish)
  execute_process(COMMAND "${CLOUDTWIN_PROGRAM}" completion ${shell}
                  OUTPUT_FILE "${CLOUDTWIN_DOCS_DIR}/cloudtwin.${shell}" COMMAND_ERROR_IS_FATAL ANY)
endforeach()
execute_process(COMMAND "${CLOUDTWIN_PROGRAM}" man OUTPUT_FILE "${CLOUDTWIN_DOCS_DIR}/cloudtwin.1"
                COMMAND_ERROR_IS_FATAL ANY)
# The file names each shell's loader expects.
file(RENAME "${CLOUDTWIN_DOCS_DIR}/cloudtwin.bash" "${CLOUDTWIN_DOCS_DIR}/cloudtwin")
file(RENAME "${CLOUDTWIN_DOCS_DIR}/cloudtwin.zsh" "${CLOUDTWIN_DOCS_DIR}/_cloudtwin")

set(share "${CMAKE_INSTALL_PREFIX}/${CLOUDTWIN_DATAROOTDIR}")
# Debian's zsh looks in vendor-completions for packaged functions and in
# /usr/local/share/zsh/site-functions for local ones.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(zsh_dir "${share}/zsh/vendor-completions")
else()
  set(zsh_dir "${share}/zsh/site-functions")
endif()
file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/${CLOUDTWIN_MANDIR}/man1" TYPE FILE
     FILES "${CLOUDTWIN_DOCS_DIR}/cloudtwin.1")
file(INSTALL DESTINATION "${share}/bash-completion/completions" TYPE FILE
     FILES "${CLOUDTWIN_DOCS_DIR}/cloudtwin")
file(INSTALL DESTINATION "${zsh_dir}" TYPE FILE FILES "${CLOUDTWIN_DOCS_DIR}/_cloudtwin")
file(INSTALL DESTINATION "${share}/fish/vendor_completions.d" TYPE FILE
     FILES "${CLOUDTWIN_DOCS_DIR}/cloudtwin.fish")

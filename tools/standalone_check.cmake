# Compiles every source of a build on its own, syntax only: what a per-file
# (non-unity) build compiles. The unity builds of tools/run group six
# sources per compiler run, so a file that uses a name or an include only an
# earlier file of its group brings still builds there; this finds it.
#
#   cmake -DCOMMANDS=<build>/compile_commands.json \
#         -P tools/standalone_check.cmake
#
# COMMANDS: compile_commands.json of a build configured without unity
# (CMAKE_EXPORT_COMPILE_COMMANDS=ON) whose lineagedb_schema_gen target (the
# flatc header) is built. `tools/run standalone` does all of it. Fails,
# naming every file that does not compile alone or warns.
cmake_minimum_required(VERSION 3.25)

file(READ "${COMMANDS}" json)
string(JSON count LENGTH "${json}")
math(EXPR last "${count} - 1")
set(failed "")
foreach(i RANGE ${last})
  string(JSON dir GET "${json}" ${i} directory)
  string(JSON source GET "${json}" ${i} file)
  string(JSON command GET "${json}" ${i} command)
  separate_arguments(args UNIX_COMMAND "${command}")
  # Drop the object file and -c; check the syntax only.
  list(FIND args "-o" at)
  if(at GREATER -1)
    math(EXPR object "${at} + 1")
    list(REMOVE_AT args ${at} ${object})
  endif()
  list(REMOVE_ITEM args "-c")
  list(INSERT args 1 "-fsyntax-only")
  execute_process(COMMAND ${args} WORKING_DIRECTORY "${dir}"
                  RESULT_VARIABLE code ERROR_VARIABLE errors)
  if(NOT code EQUAL 0 OR errors MATCHES "warning")
    message("== ${source}\n${errors}")
    list(APPEND failed "${source}")
  endif()
endforeach()
list(LENGTH failed bad)
if(bad GREATER 0)
  message(FATAL_ERROR "${bad} of ${count} sources do not compile alone")
endif()
message("all ${count} sources compile alone")

# One interface target carries the project's warning and sanitizer flags to every target that links it.
add_library(fleetcheck_options INTERFACE)
target_compile_options(fleetcheck_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                                    -Wno-sign-conversion -Wnon-virtual-dtor)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 at -O2 flags Asio's coroutine-frame allocator (aligned_alloc paired with its own
  # operator delete) as mismatched: a known false positive (GCC bug 109224).
  target_compile_options(fleetcheck_options INTERFACE -Wno-mismatched-new-delete)
endif()
if(FLEETCHECK_WERROR)
  target_compile_options(fleetcheck_options INTERFACE -Werror)
endif()
if(FLEETCHECK_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 warns that TSan does not model atomic_thread_fence, which Asio uses; that warning is
  # about TSan's coverage, not our code.
  target_compile_options(fleetcheck_options INTERFACE -Wno-tsan)
endif()
if(FLEETCHECK_SANITIZE)
  target_compile_options(fleetcheck_options INTERFACE -fsanitize=${FLEETCHECK_SANITIZE}
                                                      -fno-omit-frame-pointer)
  target_link_options(fleetcheck_options INTERFACE -fsanitize=${FLEETCHECK_SANITIZE})
  # Code that would skip teardown (to exit sooner) unwinds normally instead, so that the
  # sanitizers (LeakSanitizer above all) still see it.
  target_compile_definitions(fleetcheck_options INTERFACE FLEETCHECK_SANITIZED=1)
endif()
if(FLEETCHECK_SANITIZE MATCHES "undefined" AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # Clang 14's -fsanitize=function cannot compile C++20 coroutines ("Cannot represent a difference
  # across sections"); the other UBSan checks stay on.
  target_compile_options(fleetcheck_options INTERFACE -fno-sanitize=function)
endif()

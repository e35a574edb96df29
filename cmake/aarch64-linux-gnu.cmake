# cmake/aarch64-linux-gnu.cmake — cross-compiles heard for 64-bit Raspberry Pi OS
# (arm64) on a Debian machine with multiarch:
#
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install gcc-aarch64-linux-gnu qemu-user libsdl2-dev:arm64 libsdl2-ttf-dev:arm64 \
#       libsqlite3-dev:arm64 libsodium-dev:arm64 libfribidi-dev:arm64 libcmocka-dev:arm64
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
#
# tools/ci-arm64 does all of it and runs the tests under qemu-aarch64.
#
# Debian's cross compiler already searches the multiarch directories
# (/usr/include/aarch64-linux-gnu, /usr/lib/aarch64-linux-gnu) where the :arm64 -dev
# packages put their files, so no sysroot is needed; only pkg-config must be told to
# read the arm64 .pc files instead of the build machine's.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)

set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

# Programs (pkg-config, sqlite3, msgfmt) are the build machine's; libraries and headers
# are looked for only in the arm64 places, so an amd64 library can never be linked.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# ctest runs every test executable through user-mode qemu (no binfmt_misc needed). The
# arm64 dynamic loader and libc are where the arm64 binaries look for them
# (/lib/ld-linux-aarch64.so.1, from libc6:arm64, which the :arm64 -dev packages install),
# so qemu needs no -L prefix. Not `-L /usr/aarch64-linux-gnu` (the cross toolchain's
# copy of libc): with it, qemu 7.2 never returns from fork() in the child.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)

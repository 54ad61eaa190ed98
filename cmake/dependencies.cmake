# Every dependency comes from Debian's packages (scripts/bootstrap installs them).
find_package(Threads REQUIRED)
find_package(Boost 1.81 REQUIRED COMPONENTS url)
find_package(OpenSSL REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt REQUIRED)
# serve's history store (Debian's libsqlitecpp-dev ships this package; it finds SQLite3 itself).
find_package(SQLiteCpp REQUIRED)
if(FLEETCHECK_DEV)
  find_package(GTest REQUIRED)
endif()

# Asio and Beast are compiled once (src/net/asio_impl.cpp) instead of in every translation unit that
# includes them: it keeps the 2-core build quick.
add_library(fleetcheck_asio INTERFACE)
target_compile_definitions(fleetcheck_asio INTERFACE BOOST_ASIO_SEPARATE_COMPILATION
                                                     BOOST_BEAST_SEPARATE_COMPILATION
                                                     BOOST_ASIO_NO_DEPRECATED)
target_link_libraries(fleetcheck_asio INTERFACE Boost::headers Threads::Threads OpenSSL::SSL
                                                OpenSSL::Crypto)

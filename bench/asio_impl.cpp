// Boost.Asio compiled once for the load clients of bench/ (BOOST_ASIO_SEPARATE_COMPILATION).
// Apart from src/http's own: the clients must not depend on the server they measure.
// <utility> must come first: Boost 1.74's awaitable.hpp uses std::exchange without including it.
#include <utility>

#include <boost/asio/impl/src.hpp>

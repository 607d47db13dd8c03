// The one translation unit that compiles Boost.Asio and Boost.Beast (BOOST_*_SEPARATE_COMPILATION):
// every other file includes only their declarations, which keeps each Beast file's build short.
// <utility> must come first: Boost 1.74's awaitable.hpp uses std::exchange without including it.
#include <utility>

#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>

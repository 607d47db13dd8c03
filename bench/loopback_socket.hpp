#pragma once
// Sockets of the load clients in bench/: they reach loopback only, from loopback only. No
// benchmark sends traffic outside 127.0.0.0/8 or ::1, whatever it is told.

#include <netinet/in.h>
#include <sys/socket.h>

#include <stdexcept>
#include <string>
#include <utility>

#include <boost/asio/ip/tcp.hpp>

namespace nedlia::bench {

/// `host` as an address, or std::invalid_argument when it is not a loopback address (names are
/// not resolved: a name could lead anywhere).
inline boost::asio::ip::address LoopbackAddress(const std::string& host) {
  boost::system::error_code ec;
  const boost::asio::ip::address address = boost::asio::ip::make_address(host, ec);
  if (ec || !address.is_loopback())
    throw std::invalid_argument("--host must be a loopback address (127.0.0.0/8 or ::1), not '" +
                                host + "'");
  return address;
}

/// Opens `socket` and binds it to the loopback address of `target`'s family, the port chosen
/// at connect time (IP_BIND_ADDRESS_NO_PORT, so that the source port is picked per destination
/// as for an unbound socket). Returns the error instead of throwing: EMFILE and
/// EADDRNOTAVAIL are what a load client meets, and counts.
inline boost::system::error_code OpenLoopbackSocket(boost::asio::ip::tcp::socket& socket,
                                                    const boost::asio::ip::tcp::endpoint& target) {
  namespace ip = boost::asio::ip;
  boost::system::error_code ec;
  socket.open(target.protocol(), ec);
  if (ec)
    return ec;
  const int on = 1;
  ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
  const ip::address source = target.address().is_v6() ? ip::address(ip::address_v6::loopback())
                                                      : ip::address(ip::address_v4::loopback());
  socket.bind(ip::tcp::endpoint(source, 0), ec);
  if (ec) {
    boost::system::error_code ignored;
    socket.close(ignored);
  }
  return ec;
}

/// Closes at once with a reset (SO_LINGER 0): a load client that leaves thousands of
/// connections must not leave as many ports in TIME_WAIT for the next round.
inline void AbortSocket(boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code ignored;
  if (!socket.is_open())
    return;
  socket.set_option(boost::asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

}  // namespace nedlia::bench

// One HTTP/1.1 connection as a coroutine on an event loop: wait for a request, read its head and
// body within their bounds, hand it to a worker (or run it in a fiber on the loop), write the
// answer, repeat while keep-alive allows. Streamed answers are in stream_session.cpp. Beast appears
// only in these files (and in asio_impl.cpp, which compiles it).
#include "http/session.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

#include "http/request_text.hpp"
#include "http/request_wire.hpp"
#include "http/session_io.hpp"
#include "process/fiber.hpp"

namespace nedlia::http {
namespace {

using Clock = std::chrono::steady_clock;

// The first read of a request: most heads fit. Under 1 KiB, so that the allocation stays in
// malloc's per-thread cache (a larger one consolidates its free lists on every request).
constexpr std::size_t kFirstRead = 960;
// Between requests a connection keeps a read buffer up to this size (reused by the next
// request); a larger one, grown by a large head, is given back.
constexpr std::size_t kIdleBuffer = 1024;

enum class Next { kKeepAlive, kClose };

/// A reservation in the body budget, returned when destroyed.
class BodyReservation {
 public:
  explicit BodyReservation(BodyBudget& budget) : budget_(budget) {}
  BodyReservation(const BodyReservation&) = delete;
  BodyReservation& operator=(const BodyReservation&) = delete;
  ~BodyReservation() { budget_.Release(bytes_); }

  /// Grows the reservation to `bytes`; false when the budget cannot hold that much.
  bool GrowTo(std::size_t bytes) {
    if (bytes <= bytes_)
      return true;
    if (!budget_.Reserve(bytes - bytes_))
      return false;
    bytes_ = bytes;
    return true;
  }

 private:
  BodyBudget& budget_;
  std::size_t bytes_ = 0;
};

// RFC 9110: 1xx and 204 responses carry neither a body nor Content-Length; 304 has no body.
bool HasNoContent(int status) {
  return status < 200 || status == 204 || status == 304;
}

WireResponse ToWire(Response response, unsigned version, bool keep_alive, bool head) {
  WireResponse message;
  message.version(version);
  message.result(static_cast<unsigned>(response.status));
  for (const HeaderField& field : response.headers) {
    message.insert(field.name, field.value);
  }
  message.set(wire::field::server, "nedlia");
  message.keep_alive(keep_alive);
  if (HasNoContent(response.status)) {
    return message;
  }
  // A HEAD response announces the length of the body a GET would have, and sends none.
  message.content_length(response.body.size());
  if (!head) {
    message.body() = std::move(response.body);
  }
  return message;
}

bool ExpectsContinue(const WireRequest& message) {
  return message.version() >= 11 && beast::iequals(message[wire::field::expect], "100-continue");
}

Response InvokeSafely(const Handler& handler, Request& request) {
  try {
    return handler(request);
  } catch (const std::exception& error) {
    spdlog::error("{} {} failed: {}", MethodName(request.method), EscapeForLog(request.path),
                  error.what());
  } catch (...) {
    spdlog::error("{} {} failed with an unknown exception", MethodName(request.method),
                  EscapeForLog(request.path));
  }
  // The client learns nothing about the failure: the log has it.
  return Response::Problem(500, "Internal Server Error", "internal error");
}

Response Busy(std::string_view detail) {
  Response response = Response::Problem(503, "Service Unavailable", detail);
  response.SetHeader("Retry-After", "1");
  return response;
}

/// A request handed to the worker pool: the handler runs on a worker, and its response goes
/// back to the connection's executor, which the job keeps busy (a work guard) meanwhile, so
/// that the event loop cannot run out of work while a handler runs.
template <typename Completion>
class HandlerJob final : public Job {
 public:
  HandlerJob(Completion completion, Executor executor, const Handler& handler, Request& request)
      : completion_(std::move(completion)), work_(executor), handler_(handler), request_(request) {}

  void Run() noexcept override { Complete(InvokeSafely(handler_, request_)); }
  /// The pool had no room: the connection answers 503 instead.
  void Refuse() noexcept { Complete(std::nullopt); }

 private:
  void Complete(std::optional<Response> response) noexcept {
    asio::post(work_.get_executor(),
               [completion = std::move(completion_), response = std::move(response)]() mutable {
                 std::move(completion)(std::move(response));
               });
    work_.reset();
  }

  Completion completion_;
  asio::executor_work_guard<Executor> work_;
  const Handler& handler_;
  Request& request_;
};

/// A fiber's way back to its connection's event loop, and to the workers when it must block.
class LoopFiberHost final : public process::FiberHost {
 public:
  LoopFiberHost(Executor executor, WorkerPool& workers, std::shared_ptr<LoopGate> gate)
      : executor_(std::move(executor)), workers_(workers), gate_(std::move(gate)) {}

  void Post(std::function<void()> task) override {
    gate_->Through([&] { asio::post(executor_, std::move(task)); });
  }

  std::shared_ptr<void> PostAt(Clock::time_point at, std::function<void()> task) override {
    auto timer = std::make_shared<asio::steady_timer>(executor_, at);
    timer->async_wait([task = std::move(task)](error_code ec) {
      if (!ec)
        task();
    });
    // Released on the loop, the token cancels the wait (whose handler then drops the task).
    return {timer.get(), [timer](void*) { timer->cancel(); }};
  }

  bool PostToBlockingThread(std::function<void()> task) override {
    std::unique_ptr<Job> job = std::make_unique<TaskJob>(std::move(task));
    return workers_.TryPost(job);
  }

 private:
  class TaskJob final : public Job {
   public:
    explicit TaskJob(std::function<void()> task) : task_(std::move(task)) {}
    void Run() noexcept override { task_(); }

   private:
    std::function<void()> task_;
  };

  Executor executor_;
  WorkerPool& workers_;
  std::shared_ptr<LoopGate> gate_;
};

/// The answer of a request run in a fiber, handed back to its connection's coroutine on the
/// loop, which it keeps busy meanwhile (as HandlerJob does), unless the server abandoned the
/// request (LoopGate::Close).
template <typename Completion>
class FiberReply final : public OwedReply {
 public:
  FiberReply(Completion completion, Executor executor, std::shared_ptr<LoopGate> gate)
      : completion_(std::move(completion)), work_(executor), gate_(std::move(gate)) {
    gate_->Owe(this);
  }
  FiberReply(const FiberReply&) = delete;
  FiberReply& operator=(const FiberReply&) = delete;
  ~FiberReply() override { gate_->Forget(this); }

  void Complete(Response response) {
    gate_->Settle(this, [&] {
      asio::post(work_->get_executor(),
                 [completion = std::move(*completion_), response = std::move(response)]() mutable {
                   std::move(completion)(std::optional<Response>(std::move(response)));
                 });
      work_.reset();
    });
  }

  void Abandon() noexcept override {
    completion_.reset();
    work_.reset();
  }

 private:
  std::optional<Completion> completion_;
  std::optional<asio::executor_work_guard<Executor>> work_;
  std::shared_ptr<LoopGate> gate_;
};

class Session {
 public:
  Session(const SessionContext& context, tcp::socket socket, std::uint64_t id);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) = delete;
  Session& operator=(Session&&) = delete;
  ~Session() {
    interrupt_target_->session = nullptr;
    context_.registry->Remove(id_);
  }

  asio::awaitable<void> Serve();

 private:
  /// Lets the registry interrupt this session from any thread, through its executor, for as
  /// long as it lives.
  struct InterruptTarget {
    Session* session = nullptr;
  };

  asio::awaitable<Next> ServeOne();
  asio::awaitable<bool> AwaitRequest();
  asio::awaitable<error_code> ReadHead(RequestParser& parser);
  asio::awaitable<error_code> ReadBody(RequestParser& parser, BodyReservation& reservation);
  asio::awaitable<Next> Reject(Response problem, Clock::time_point started);
  void Count(const Request* request, int status, Clock::time_point started) const;
  asio::awaitable<Next> Respond(WireRequest& message);
  asio::awaitable<std::optional<Response>> RunHandler(Request& request);
  bool RunsOnLoop(const Request& request) const;
  asio::awaitable<Response> RunOnLoop(Request& request);
  asio::awaitable<bool> Write(WireResponse message);
  void OnInterrupt();
  bool Enter(ConnectionState state);
  std::chrono::milliseconds TimeToSend(std::size_t bytes) const;

  SessionContext context_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string remote_;
  std::uint64_t id_;
  ConnectionState state_ = ConnectionState::kIdle;
  bool first_request_ = true;
  std::shared_ptr<StreamSignal> stream_signal_;  ///< while streaming
  std::shared_ptr<InterruptTarget> interrupt_target_;
};

Session::Session(const SessionContext& context, tcp::socket socket, std::uint64_t id)
    : context_(context),
      stream_(std::move(socket)),
      buffer_(context.options->max_header_bytes),
      remote_(RemoteAddress(stream_)),
      id_(id),
      interrupt_target_(std::make_shared<InterruptTarget>(InterruptTarget{this})) {
  context_.registry->SetInterrupt(id_,
                                  [target = interrupt_target_, executor = stream_.get_executor()] {
                                    asio::post(executor, [target] {
                                      // On this connection's executor, where the session is also
                                      // destroyed.
                                      if (target->session != nullptr)
                                        target->session->OnInterrupt();
                                    });
                                  });
}

// Evicted, or the server is stopping: a connection waiting for (or reading) a request closes.
// A stream is woken to look at the registry, and a write to a client that does not read is
// abandoned: shutdown must not wait for it.
void Session::OnInterrupt() {
  error_code ignored;
  if (state_ == ConnectionState::kIdle || state_ == ConnectionState::kReadingHead) {
    stream_.socket().cancel(ignored);
  } else if (state_ == ConnectionState::kStreaming && stream_signal_) {
    stream_signal_->Raise();
    if (context_.registry->Stopping())
      stream_.socket().cancel(ignored);
  }
}

bool Session::Enter(ConnectionState state) {
  if (!context_.registry->Enter(id_, state))
    return false;
  state_ = state;
  return true;
}

std::chrono::milliseconds Session::TimeToSend(std::size_t bytes) const {
  return context_.options->write_timeout +
         std::chrono::milliseconds(bytes * 1000 /
                                   std::max<std::size_t>(context_.options->body_min_rate, 1));
}

asio::awaitable<void> Session::Serve() {
  try {
    Next next = Next::kKeepAlive;
    while (next == Next::kKeepAlive) {
      next = co_await ServeOne();
    }
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  } catch (const std::exception& error) {
    spdlog::warn("connection from {} failed: {}", remote_, error.what());
  }
}

asio::awaitable<Next> Session::ServeOne() {
  const bool request_coming = co_await AwaitRequest();
  if (!request_coming) {
    co_return Next::kClose;
  }
  const Clock::time_point started = Clock::now();
  RequestParser parser;
  LimitParser(parser, *context_.options);
  error_code ec = co_await ReadHead(parser);
  BodyReservation reservation(*context_.bodies);
  if (!ec && !Enter(ConnectionState::kBusy))
    co_return Next::kClose;
  if (!ec && parser.content_length() && !reservation.GrowTo(*parser.content_length())) {
    Response busy = Busy("too many request bodies are in memory; retry later");
    const Next next = co_await Reject(std::move(busy), started);
    co_return next;
  }
  if (!ec) {
    ec = co_await ReadBody(parser, reservation);
  }
  if (ec == beast::error::timeout) {
    ++context_.counters->timed_out;
    co_return Next::kClose;
  }
  if (ec) {
    std::optional<Response> problem = ProblemFor(ec, *context_.options, parser.is_header_done());
    if (!problem)
      co_return Next::kClose;
    const Next next = co_await Reject(std::move(*problem), started);
    co_return next;
  }
  WireRequest message = parser.release();
  const Next next = co_await Respond(message);
  co_return next;
}

// Waits for the first bytes of the next request: the header timeout on a new connection, the
// idle timeout between requests. False when the connection should close instead.
asio::awaitable<bool> Session::AwaitRequest() {
  if (!Enter(ConnectionState::kIdle)) {
    co_return false;
  }
  if (buffer_.size() == 0) {
    if (buffer_.capacity() > kIdleBuffer)
      buffer_.shrink_to_fit();  // an idle connection keeps at most kIdleBuffer
    error_code ec;
    stream_.expires_after(first_request_ ? context_.options->header_timeout
                                         : context_.options->idle_timeout);
    const std::size_t received =
        co_await stream_.async_read_some(buffer_.prepare(kFirstRead), Redirect(ec));
    buffer_.commit(received);
    if (ec) {
      co_return false;
    }
  }
  first_request_ = false;
  co_return Enter(ConnectionState::kReadingHead);
}

// The head within header_timeout of its first byte, and within max_header_bytes.
asio::awaitable<error_code> Session::ReadHead(RequestParser& parser) {
  error_code ec;
  stream_.expires_after(context_.options->header_timeout);
  co_await wire::async_read_header(stream_, buffer_, parser, Redirect(ec));
  co_return ec;
}

// The body at body_min_rate or faster, after a first allowance of body_timeout; a chunked
// body's memory is reserved as it grows.
asio::awaitable<error_code> Session::ReadBody(RequestParser& parser, BodyReservation& reservation) {
  const ServerOptions& options = *context_.options;
  error_code ec;
  if (ExpectsContinue(parser.get()) && !parser.is_done()) {
    wire::response<wire::empty_body> proceed{wire::status::continue_, parser.get().version()};
    stream_.expires_after(options.write_timeout);
    co_await wire::async_write(stream_, proceed, Redirect(ec));
    if (ec) {
      co_return ec;
    }
  }
  const Clock::time_point started = Clock::now();
  const std::size_t rate = std::max<std::size_t>(options.body_min_rate, 1);
  while (!parser.is_done()) {
    const std::size_t received = parser.get().body().size();
    stream_.expires_at(started + options.body_timeout +
                       std::chrono::milliseconds(received * 1000 / rate));
    co_await wire::async_read_some(stream_, buffer_, parser, Redirect(ec));
    if (ec) {
      co_return ec;
    }
    if (!reservation.GrowTo(parser.get().body().size())) {
      co_return wire::error::body_limit;  // answered as 413: the body cannot be held now
    }
  }
  co_return ec;
}

// Answers a request we refuse before its handler, then lingers (see ServerOptions).
asio::awaitable<Next> Session::Reject(Response problem, Clock::time_point started) {
  ++context_.counters->rejected;
  Count(nullptr, problem.status, started);
  spdlog::debug("refused a request from {}: {}", remote_, problem.status);
  WireResponse message = ToWire(std::move(problem), 11, false, false);
  const bool written = co_await Write(std::move(message));
  if (written)
    co_await Linger(stream_, *context_.options);
  co_return Next::kClose;
}

asio::awaitable<Next> Session::Respond(WireRequest& message) {
  const Clock::time_point started = Clock::now();
  const std::optional<Method> method = ParseMethod(View(message.method_string()));
  Request request = ToRequest(message, method.value_or(Method::kGet), remote_);
  std::optional<Response> response;
  if (!method) {
    response = Response::Problem(501, "Not Implemented", "this server does not support the method");
  } else if (std::optional<Response> problem = CheckRequestText(request)) {
    const Next next = co_await Reject(std::move(*problem), started);
    co_return next;
  } else {
    response = co_await RunHandler(request);
    if (!response) {
      ++context_.counters->shed;
      response = Busy("the server is at capacity; retry later");
    }
  }
  // Once stopping, every answer closes its connection so that shutdown can complete.
  const bool keep_alive = message.keep_alive() && !context_.registry->Stopping();
  LogRequest(View(message.method_string()), request, response->status, started);
  Count(method ? &request : nullptr, response->status, started);
  if (response->source && method != Method::kHead) {
    stream_signal_ = std::make_shared<StreamSignal>(stream_.get_executor());
    Enter(ConnectionState::kStreaming);  // also when stopping: the stream then ends at once
    co_await StreamBody(stream_, context_, *response, message.version(), stream_signal_);
    co_return Next::kClose;
  }
  const bool head = method == Method::kHead;
  if (response->source)
    response->source->Stop(StreamEnd::kComplete);  // HEAD: the stream is never started
  WireResponse answer = ToWire(std::move(*response), message.version(), keep_alive, head);
  const bool written = co_await Write(std::move(answer));
  if (!written || !keep_alive) {
    co_return Next::kClose;
  }
  co_return Next::kKeepAlive;
}

// In the route's series when the request was routed, else in the series of requests answered
// before routing.
void Session::Count(const Request* request, int status, Clock::time_point started) const {
  RequestMetrics* metrics = context_.options->request_metrics;
  if (metrics == nullptr)
    return;
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (request == nullptr) {
    metrics->Unrouted().RecordOther(status, seconds);
    return;
  }
  RouteSeries& series = request->series != nullptr ? *request->series : metrics->Unrouted();
  series.Record(request->method, status, seconds);
}

// The only hand-off of a request: to a worker and back, or none for a request that runs on the
// loop. nullopt when the pool is full.
asio::awaitable<std::optional<Response>> Session::RunHandler(Request& request) {
  if (RunsOnLoop(request)) {
    Response response = co_await RunOnLoop(request);
    co_return response;
  }
  const Executor executor = co_await asio::this_coro::executor;
  std::optional<Response> response =
      co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::optional<Response>)>(
          [this, &request, executor](auto completion) {
            using Completion = decltype(completion);
            auto job = std::make_unique<HandlerJob<Completion>>(std::move(completion), executor,
                                                                *context_.handler, request);
            HandlerJob<Completion>& refused = *job;
            std::unique_ptr<Job> queued = std::move(job);
            if (!context_.workers->TryPost(queued))
              refused.Refuse();  // `queued` still owns it
          },
          asio::use_awaitable);
  co_return response;
}

bool Session::RunsOnLoop(const Request& request) const {
  const ServerOptions& options = *context_.options;
  return options.runs_on_loop && context_.counters->on_loop.load() < options.max_on_loop &&
         options.runs_on_loop(request);
}

// The handler in a fiber on this loop: it waits for the database with the loop free, and moves
// to a worker only if it has to block.
asio::awaitable<Response> Session::RunOnLoop(Request& request) {
  const Executor executor = co_await asio::this_coro::executor;
  std::optional<Response> response =
      co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(std::optional<Response>)>(
          [this, &request, executor](auto completion) {
            using Reply = FiberReply<decltype(completion)>;
            auto reply =
                std::make_shared<Reply>(std::move(completion), executor, context_.loops_open);
            std::atomic<std::size_t>& on_loop = context_.counters->on_loop;
            ++on_loop;
            try {
              process::StartFiber(
                  std::make_unique<LoopFiberHost>(executor, *context_.workers, context_.loops_open),
                  [reply, &handler = *context_.handler, &request, &on_loop] {
                    Response answer = InvokeSafely(handler, request);
                    --on_loop;
                    reply->Complete(std::move(answer));
                  });
            } catch (...) {
              --on_loop;  // no fiber (no memory for its stack): the connection fails
              throw;
            }
          },
          asio::use_awaitable);
  co_return std::move(*response);  // a fiber always answers
}

asio::awaitable<bool> Session::Write(WireResponse message) {
  error_code ec;
  stream_.expires_after(TimeToSend(message.body().size()));
  co_await wire::async_write(stream_, message, Redirect(ec));
  if (ec == beast::error::timeout)
    ++context_.counters->timed_out;
  co_return !ec;
}

}  // namespace

bool BodyBudget::Reserve(std::size_t bytes) {
  std::size_t used = used_.load();
  do {
    if (bytes > limit_ || used > limit_ - bytes)
      return false;
  } while (!used_.compare_exchange_weak(used, used + bytes));
  return true;
}

asio::awaitable<void> ServeConnection(SessionContext context, tcp::socket socket,
                                      std::uint64_t id) {
  Session session(context, std::move(socket), id);
  co_await session.Serve();
}

}  // namespace nedlia::http

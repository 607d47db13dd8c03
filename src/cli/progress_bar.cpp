#include "cli/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>

namespace nedlia::cli {

ProgressBar::ProgressBar(std::FILE* stream)
    : stream_(stream), enabled_(isatty(fileno(stream)) == 1) {}

ProgressBar::~ProgressBar() {
  Finish();
}

void ProgressBar::Update(const std::string& label, long done, long total) {
  if (!enabled_)
    return;
  const auto now = std::chrono::steady_clock::now();
  const bool finished = total > 0 && done >= total;
  if (label == label_ && !finished && now - last_draw_ < std::chrono::milliseconds(100))
    return;
  if (label != label_ && drawn_)
    std::fputc('\n', stream_);
  label_ = label;
  last_draw_ = now;
  constexpr int kWidth = 30;
  const double fraction = total > 0 ? std::clamp(double(done) / double(total), 0.0, 1.0) : 1.0;
  const int filled = static_cast<int>(fraction * kWidth);
  std::fprintf(stream_, "\r%-24s [%s%s] %3d%% %ld/%ld rows", label.c_str(),
               std::string(filled, '#').c_str(), std::string(kWidth - filled, ' ').c_str(),
               static_cast<int>(fraction * 100), done, total);
  std::fflush(stream_);
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (enabled_ && drawn_)
    std::fputc('\n', stream_);
  drawn_ = false;
  label_.clear();
}

}  // namespace nedlia::cli

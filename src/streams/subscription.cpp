#include "streams/subscription.hpp"

namespace nedlia::streams {

app::StreamBatch Subscription::Take() {
  app::StreamBatch batch = subscriber_->Take();
  if (batch.closing)
    Release();  // its last words are out: the key may open another stream
  return batch;
}

void Subscription::Close() {
  subscriber_->Close();
  Release();
}

void Subscription::Release() {
  if (!released_.exchange(true))
    slots_->Release(subscriber_->Identity().key_hash);
}

}  // namespace nedlia::streams

// The validation benchmark (issue 5): validating a video of N placements (100,000 by default),
// the rules alone (in memory) and a whole run against a real database (the validator's work in
// one transaction: lock the run, load the placements, products and campaigns, apply the rules,
// store issues and summary, append the completed event).
//
//   validation_bench --database-url URL [--placements N] [--products N] [--rounds N]
//
// URL names a migrated scratch database: the benchmark adds a video, its products, campaigns,
// placements and runs, and leaves them. Prints one line per measurement, best and median of
// the rounds, in milliseconds.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "app/validation_runner.hpp"
#include "domain/validation_rules.hpp"
#include "pg/pool.hpp"
#include "pg/transaction.hpp"
#include "repositories/pg_transaction.hpp"
#include "repositories/validation_subject_query.hpp"

namespace nedlia::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string database_url;
  int placements = 100'000;
  int products = 1000;
  int rounds = 5;
};

Options Parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--database-url") {
      options.database_url = value;
    } else if (flag == "--placements") {
      options.placements = std::stoi(value);
    } else if (flag == "--products") {
      options.products = std::stoi(value);
    } else if (flag == "--rounds") {
      options.rounds = std::stoi(value);
    }
  }
  if (options.database_url.empty()) {
    std::cerr << "usage: validation_bench --database-url URL [--placements N] [--products N] "
                 "[--rounds N]\n";
    std::exit(2);
  }
  return options;
}

/// Times `work` `rounds` times; prints best and median.
void Measure(const std::string& label, int rounds, const std::function<void()>& work) {
  std::vector<double> ms;
  for (int round = 0; round < rounds; ++round) {
    const auto start = Clock::now();
    work();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  std::cout << label << " best_ms=" << ms.front() << " median_ms=" << ms[ms.size() / 2]
            << std::endl;
}

/// A video whose placements share `products` products: each product's placements follow one
/// another (no overlap, as the database requires of active ones), while many products are on
/// screen at once, so the crowding rule has plenty to report. One product in ten is in no
/// active campaign. Returns the video's id.
std::string Seed(pg::Connection& sql, const Options& options) {
  const std::string advertiser =
      sql.Execute(
             "INSERT INTO advertisers (name, contact_email) VALUES ('Bench', "
             "'bench@example.com') RETURNING id::text")
          .Single()[0]
          .As<std::string>();
  const std::string campaign =
      sql.Execute(
             "INSERT INTO campaigns (advertiser_id, name, budget, status, start_date, "
             "end_date) VALUES ($1, 'Bench', 1000, 'active', current_date - 10, "
             "current_date + 10) RETURNING id::text",
             pg::Params(advertiser))
          .Single()[0]
          .As<std::string>();
  const int per_product = (options.placements + options.products - 1) / options.products;
  std::string video =
      sql.Execute(
             "INSERT INTO videos (title, duration, status) VALUES ('Bench', $1::numeric, "
             "'ready') RETURNING id::text",
             pg::Params(std::to_string(per_product * 10 + 10)))
          .Single()[0]
          .As<std::string>();
  sql.Execute(R"sql(
      CREATE TEMP TABLE bench_products AS
      SELECT n, gen_random_uuid() AS id FROM generate_series(0, $1 - 1) n)sql",
              pg::Params(options.products));
  sql.Execute(
      "INSERT INTO products (id, advertiser_id, name) "
      "SELECT id, $1, 'Product ' || n FROM bench_products",
      pg::Params(advertiser));
  sql.Execute(
      "INSERT INTO campaign_products (campaign_id, product_id) "
      "SELECT $1, id FROM bench_products WHERE n % 10 <> 0",
      pg::Params(campaign));
  sql.Execute(R"sql(
      INSERT INTO placements (video_id, product_id, start_time, end_time)
      SELECT $1, p.id, (i / $3) * 10 + (i % 5), (i / $3) * 10 + (i % 5) + 5
      FROM generate_series(0, $2 - 1) i JOIN bench_products p ON p.n = i % $3)sql",
              pg::Params(video, options.placements, options.products));
  sql.Execute("DROP TABLE bench_products");
  return video;
}

std::string NewRun(pg::Connection& sql, const std::string& video) {
  return sql
      .Execute("INSERT INTO validation_runs (video_id) VALUES ($1) RETURNING id::text",
               pg::Params(video))
      .Single()[0]
      .As<std::string>();
}

int Run(const Options& options) {
  pg::Connection sql = pg::Connection::Open(options.database_url);
  const std::string video_text = Seed(sql, options);
  const domain::Uuid video = *domain::Uuid::Parse(video_text);
  const domain::Date today(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
  const domain::ValidationLimits limits{.max_simultaneous = 3};

  const domain::ValidationSubject subject =
      repositories::LoadValidationSubject(sql, video, 1LL << 40);
  const domain::ValidationReport sample = domain::Validate(subject, today, limits);
  std::cout << "placements=" << subject.placements.size()
            << " issues=" << sample.summary.issues_count
            << " valid_placements=" << sample.summary.valid_placements << std::endl;

  Measure("rules_only", options.rounds, [&] { domain::Validate(subject, today, limits); });
  Measure("load_only", options.rounds,
          [&] { repositories::LoadValidationSubject(sql, video, 1LL << 40); });

  pg::Pool pool({.url = options.database_url, .max_size = 1});
  const events::EnvelopeSettings envelope;
  const app::CallContext context;  // PgTransaction keeps a reference to it
  Measure("whole_run", options.rounds, [&] {
    const domain::Uuid run = *domain::Uuid::Parse(NewRun(sql, video_text));
    pg::RunInTransaction(pool, {}, [&](pg::Transaction& transaction) {
      repositories::PgTransaction tx(transaction.Conn(), context, envelope);
      if (app::RunValidation(tx, run, today, limits) != app::ValidationOutcome::kCompleted)
        throw std::runtime_error("the run did not complete");
    });
  });
  return 0;
}

}  // namespace
}  // namespace nedlia::bench

int main(int argc, char** argv) {
  try {
    return nedlia::bench::Run(nedlia::bench::Parse(argc, argv));
  } catch (const std::exception& error) {
    std::cerr << "validation_bench: " << error.what() << std::endl;
    return 1;
  }
}

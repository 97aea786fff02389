// The lineage-bench generators for tests: the generator `options` describe,
// or a test failure (and a null generator) if they are refused.
#ifndef LINEAGEDB_TESTS_GEN_GENERATORS_H_
#define LINEAGEDB_TESTS_GEN_GENERATORS_H_

#include <gtest/gtest.h>

#include <memory>

#include "bench/gen/generator.h"

namespace lineagedb::gen_testing {

inline std::unique_ptr<gen::Generator> Tfx(const gen::TfxOptions& options) {
  auto gen = gen::NewTfxGenerator(options);
  EXPECT_TRUE(gen.ok()) << gen.status();
  return gen.ok() ? std::move(gen).value() : nullptr;
}

inline std::unique_ptr<gen::Generator> Dag(const gen::DagOptions& options) {
  auto gen = gen::NewDagGenerator(options);
  EXPECT_TRUE(gen.ok()) << gen.status();
  return gen.ok() ? std::move(gen).value() : nullptr;
}

}  // namespace lineagedb::gen_testing

#endif  // LINEAGEDB_TESTS_GEN_GENERATORS_H_

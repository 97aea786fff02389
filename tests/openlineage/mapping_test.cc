// Tests of the OpenLineage-to-MLMD naming (openlineage/mapping.h).
#include "openlineage/mapping.h"

#include <gtest/gtest.h>

#include <string>

namespace lineagedb::openlineage {
namespace {

std::string Uri(const std::string& ns, const std::string& name) {
  DatasetRef ds;
  ds.ns = ns;
  ds.name = name;
  return DatasetUri(ds);
}

TEST(DatasetUriTest, OneSlashBetweenNamespaceAndName) {
  EXPECT_EQ(Uri("s3://bucket", "in/x"), "s3://bucket/in/x");
  EXPECT_EQ(Uri("s3://bucket/", "/in/x"), "s3://bucket/in/x");
  EXPECT_EQ(Uri("postgres://host:5432", "db.schema.t"),
            "postgres://host:5432/db.schema.t");
  EXPECT_EQ(Uri("hdfs://nn:8020//", "//a"), "hdfs://nn:8020/a");
}

// The "//" after the scheme is not a trailing slash to strip: a namespace
// without an authority keeps it, and the name (a path) follows as given.
TEST(DatasetUriTest, ANamespaceWithoutAnAuthority) {
  EXPECT_EQ(Uri("file://", "/data/a.csv"), "file:///data/a.csv");
  EXPECT_EQ(Uri("file:///", "/data/a.csv"), "file:///data/a.csv");
  EXPECT_EQ(Uri("s3://", "bucket/x"), "s3://bucket/x");
}

TEST(DatasetUriTest, NoSchemeNoUri) {
  EXPECT_EQ(Uri("food_delivery", "public.orders"), "");
  EXPECT_EQ(Uri("bigquery", "p.d.t"), "");
}

}  // namespace
}  // namespace lineagedb::openlineage

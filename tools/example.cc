// A small tour of the API: creates types and nodes in a store folder (a
// store already there is destroyed first: Store::Destroy, which keeps other
// files), links nothing yet, and prints what it reads back.
//   lineagedb_example STORE_DIR
#include <cstdio>
#include <filesystem>
#include <string>

#include "lineagedb/lineagedb.h"

namespace {

int Fail(const lineagedb::Status& s) {
  std::fprintf(stderr, "error: %s\n", s.ToString().c_str());
  return 4;
}

std::string Show(const lineagedb::Value& v) {
  switch (v.kind()) {
    case lineagedb::PropertyKind::kInt:
      return std::to_string(v.int_value());
    case lineagedb::PropertyKind::kDouble:
      return std::to_string(v.double_value());
    case lineagedb::PropertyKind::kString:
      return "'" + v.string_value() + "'";
    case lineagedb::PropertyKind::kBool:
      return v.bool_value() ? "true" : "false";
    case lineagedb::PropertyKind::kStruct:
      return v.struct_value().json;
    case lineagedb::PropertyKind::kProto:
      return "<" + v.proto_value().type_url + ">";
    case lineagedb::PropertyKind::kUnknown:
      break;
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lineagedb;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s STORE_DIR\n", argv[0]);
    return 2;
  }
  if (std::filesystem::exists(argv[1])) {
    if (Status s = Store::Destroy(argv[1]); !s.ok()) return Fail(s);
  }
  auto store = Store::Open(Options{}, argv[1]);
  if (!store.ok()) return Fail(store.status());
  Store& db = **store;

  Type dataset{.kind = NodeKind::kArtifact,
               .name = "Examples",
               .properties = {{"span", PropertyKind::kInt},
                              {"split", PropertyKind::kString}},
               .base_type = BaseType::kDataset};
  Type model{.kind = NodeKind::kArtifact,
             .name = "Model",
             .properties = {{"accuracy", PropertyKind::kDouble}},
             .base_type = BaseType::kModel};
  auto dataset_id = db.PutType(dataset);
  auto model_id = db.PutType(model);
  if (!dataset_id.ok()) return Fail(dataset_id.status());
  if (!model_id.ok()) return Fail(model_id.status());

  std::vector<Artifact> artifacts;
  for (int span = 1; span <= 3; ++span) {
    Artifact a;
    a.type_id = *dataset_id;
    a.name = "examples-span-" + std::to_string(span);
    a.uri = "gs://pipeline/examples/" + std::to_string(span);
    a.state = ArtifactState::kLive;
    a.properties = {{"span", int64_t{span}}, {"split", "train"}};
    artifacts.push_back(a);
  }
  Artifact m;
  m.type_id = *model_id;
  m.name = "model-v1";
  m.uri = "gs://pipeline/models/1";
  m.properties = {{"accuracy", 0.93}};
  m.custom_properties = {{"framework", "tensorflow"}};
  artifacts.push_back(m);
  auto ids = db.Put(artifacts);
  if (!ids.ok()) return Fail(ids.status());

  auto page = db.List<Artifact>(NodeQuery{.type_name = "Examples"},
                                ListOptions{.max_result_size = 2});
  if (!page.ok()) return Fail(page.status());
  std::printf("first page of Examples (2 of 3, next token %s):\n",
              page->next_page_token.empty() ? "none" : "present");
  for (const Artifact& a : page->items) {
    std::printf("  #%lld %s %s span=%s\n", static_cast<long long>(a.id),
                a.name.c_str(), a.uri.c_str(),
                Show(a.properties.at("span")).c_str());
  }
  auto got = db.GetByTypeAndName<Artifact>("Model", "model-v1");
  if (!got.ok()) return Fail(got.status());
  std::printf("Model by name: #%lld %s accuracy=%s framework=%s\n",
              static_cast<long long>(got->id), got->name.c_str(),
              Show(got->properties.at("accuracy")).c_str(),
              Show(got->custom_properties.at("framework")).c_str());
  return 0;
}

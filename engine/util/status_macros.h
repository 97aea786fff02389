// Propagation macros for Status and StatusOr.
#ifndef LINEAGEDB_UTIL_STATUS_MACROS_H_
#define LINEAGEDB_UTIL_STATUS_MACROS_H_

#include "lineagedb/status.h"

#define LDB_CONCAT_INNER_(a, b) a##b
#define LDB_CONCAT_(a, b) LDB_CONCAT_INNER_(a, b)

// Returns the status of `expr` from the enclosing function if it is not OK.
#define RETURN_IF_ERROR(expr)                  \
  do {                                         \
    ::absl::Status ldb_status_ = (expr);       \
    if (!ldb_status_.ok()) return ldb_status_; \
  } while (0)

// `lhs = value of expr`, or returns its status from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(LDB_CONCAT_(ldb_statusor_, __LINE__), lhs, expr)

#define ASSIGN_OR_RETURN_IMPL_(var, lhs, expr) \
  auto var = (expr);                           \
  if (!var.ok()) return var.status();          \
  lhs = std::move(var).value()

#endif  // LINEAGEDB_UTIL_STATUS_MACROS_H_

// The binding's side of alloc.h: runs one kernel call and turns an exception out of it (a
// failed allocation on the calling thread or, rethrown by the pool, on a worker) into a
// thrown JavaScript Error that names the op, so the process and the backend carry on.
#pragma once

#include <napi.h>

#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include "alloc.h"

namespace gl {

/** A byte count for an error message: "512.0 MB" (binary units), "48 bytes". */
inline std::string format_bytes(size_t bytes) {
  static const char* const kUnits[] = {"KB", "MB", "GB", "TB", "PB", "EB"};
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  double v = static_cast<double>(bytes) / 1024;
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    u++;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f %s", v, kUnits[u]);
  return buf;
}

/** "matmul: out of memory (could not allocate 512.0 MB of packing scratch)". */
inline std::string oom_message(const char* op, const OutOfMemory& e) {
  return std::string(op) + ": out of memory (could not allocate " + format_bytes(e.bytes) + " of " + e.what_for + ")";
}

/**
 * Calls fn() (one kernel) and returns true. If it throws, nothing escapes into N-API (where a
 * C++ exception would abort the process): a JavaScript Error naming `op` is thrown instead
 * and the result is false, so the caller returns at once.
 */
template <class F>
bool run_kernel(Napi::Env env, const char* op, F&& fn) {
  std::string msg;
  try {
    fn();
    return true;
  } catch (const OutOfMemory& e) {
    msg = oom_message(op, e);
  } catch (const std::bad_alloc&) {
    msg = std::string(op) + ": out of memory (an allocation failed)";
  } catch (const std::exception& e) {
    msg = std::string(op) + ": the native kernel failed (" + e.what() + ")";
  } catch (...) {
    msg = std::string(op) + ": the native kernel failed";
  }
  Napi::Error::New(env, msg).ThrowAsJavaScriptException();
  return false;
}

}  // namespace gl

{
  "targets": [
    {
      "target_name": "gradlab_native",
      "sources": [
        "src/backend/native/cpp/addon.cc",
        "src/backend/native/cpp/elementwise.cc",
        "src/backend/native/cpp/reduce.cc",
        "src/backend/native/cpp/indexing.cc",
        "src/backend/native/cpp/norm.cc",
        "src/backend/native/cpp/linalg.cc",
        "src/backend/native/cpp/gemm.cc",
        "src/backend/native/cpp/conv.cc",
        "src/backend/native/cpp/gemm_avx512.cc",
        "src/backend/native/cpp/gemm_avx2.cc",
        "src/backend/native/cpp/gemm_generic.cc",
        "src/backend/native/cpp/parallel.cc",
        "src/backend/native/cpp/fused.cc",
        "src/backend/native/cpp/vmath.cc",
        "src/backend/native/cpp/vmath_avx512.cc",
        "src/backend/native/cpp/vmath_avx2.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions", "-O2"],
      "cflags_cc!": ["-fno-exceptions", "-O2"],
      "cflags_cc": ["-std=c++17", "-O3", "-fno-math-errno", "-fvisibility=hidden", "-pthread"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-std=c++17", "-O3", "-fno-math-errno"],
        "GCC_ENABLE_CPP_EXCEPTIONS": "NO"
      }
    }
  ]
}

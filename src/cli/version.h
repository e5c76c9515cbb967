#pragma once

namespace basin::cli {

// The build may pass -DBASIN_VERSION="x.y.z" (from the CMake project version or git describe).
#ifdef BASIN_VERSION
inline constexpr const char* kVersion = BASIN_VERSION;
#else
inline constexpr const char* kVersion = "0.1.0-dev";
#endif

}  // namespace basin::cli

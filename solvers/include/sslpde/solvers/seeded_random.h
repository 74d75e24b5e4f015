// Reproducible randomness for data generation: seeds derived from (base seed, split, index,
// attempt) by a SplitMix64 hash, and draws from std::mt19937_64 mapped to numbers by our own
// formulas (std::uniform_real_distribution's output is implementation-defined).
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace sslpde::solvers
{
/// SplitMix64 finaliser of a + golden-ratio multiple of b: a well-mixed 64-bit combination.
inline std::uint64_t mix_seed(const std::uint64_t a, const std::uint64_t b)
{
  std::uint64_t z = a + 0x9E3779B97F4A7C15ULL * (b + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// The seed of attempt `attempt` for trajectory `index` of split number `split`.
inline std::uint64_t trajectory_seed(const std::uint64_t base, const std::uint64_t split,
                                     const std::uint64_t index, const std::uint64_t attempt)
{
  return mix_seed(mix_seed(mix_seed(base, split), index), attempt);
}

class SeededRandom
{
public:
  explicit SeededRandom(const std::uint64_t seed) : engine(seed) {}

  /// Uniform on [0, 1): the top 53 bits of one 64-bit draw.
  double uniform() { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }
  /// Uniform on [a, b) (returns a if a == b; one draw either way).
  double uniform(const double a, const double b) { return a + (b - a) * uniform(); }
  /// exp of a uniform draw on [log a, log b).
  double log_uniform(const double a, const double b)
  {
    return std::exp(uniform(std::log(a), std::log(b)));
  }
  /// Uniform on the integers lo..hi (inclusive).
  long integer(const long lo, const long hi)
  {
    const long n = hi - lo + 1;
    long value = lo + static_cast<long>(std::floor(uniform() * static_cast<double>(n)));
    return value > hi ? hi : value;
  }

private:
  std::mt19937_64 engine;
};
} // namespace sslpde::solvers
